package dev.hilnas.core.latency;

/**
 * One measured point as a fitter sees it.
 *
 * @param group the architecture's id: cross-validation holds out whole architectures, so the
 *     reported error is the error on candidates the model has not seen
 * @param work the {@link Features} of the point
 * @param shape the {@link Features#SHAPE_NAMES shape inputs} of the point
 * @param latencyMs the measured latency, ms, > 0
 * @param calibrationMs latency of the agent's fixed calibration candidate timed alongside, ms, or
 *     NaN when the agent did not report one
 * @param samples timed runs behind {@code latencyMs}; 0 when the source did not say
 * @param sampleVariance variance of those runs relative to the squared latency; NaN for fewer than
 *     2
 * @param run the run (or device) that measured it, whose speed the model may learn as a random
 *     effect; null when unknown
 */
record Observation(
    String group,
    double[] work,
    double[] shape,
    double latencyMs,
    double calibrationMs,
    int samples,
    double sampleVariance,
    String run) {

  /**
   * This point as if measured when the calibration candidate took {@code referenceMs}: drift
   * (thermal throttling, frequency scaling, neighbours) slows both alike, so their ratio cancels
   * it. Unchanged when either figure is unknown.
   */
  Observation atReference(double referenceMs) {
    if (Double.isNaN(referenceMs) || Double.isNaN(calibrationMs)) {
      return this;
    }
    return withLatency(latencyMs * referenceMs / calibrationMs);
  }

  Observation withLatency(double ms) {
    return new Observation(group, work, shape, ms, calibrationMs, samples, sampleVariance, run);
  }
}
