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
 */
record Observation(
    String group, double[] work, double[] shape, double latencyMs, double calibrationMs) {

  /**
   * This point as if measured when the calibration candidate took {@code referenceMs}: drift
   * (thermal throttling, frequency scaling, neighbours) slows both alike, so their ratio cancels
   * it. Unchanged when either figure is unknown.
   */
  Observation atReference(double referenceMs) {
    if (Double.isNaN(referenceMs) || Double.isNaN(calibrationMs)) {
      return this;
    }
    return new Observation(
        group, work, shape, latencyMs * referenceMs / calibrationMs, calibrationMs);
  }
}
