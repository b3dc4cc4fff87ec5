package dev.hilnas.core.latency;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.List;

/**
 * A measurement as a {@link LatencyModelTrainer} holds it: its features worked out, and what it
 * says of its own precision and of the run that measured it. Made once where a measurement is read,
 * it spares a trainer fed from elsewhere (a stream job's next operator) reading the measurement
 * again.
 *
 * @param archId the candidate's {@code archId}: cross-validation holds out whole architectures, so
 *     the reported error is the error on candidates the model has not seen; the run effects count a
 *     run's architectures
 * @param work the point's {@link Features}; never changed once made
 * @param shape the point's {@link Features#SHAPE_NAMES shape inputs}; never changed once made
 * @param latencyMs measured latency, ms, finite and > 0
 * @param calibrationMs the calibration candidate's latency timed alongside ({@value
 *     LatencyModelTrainer#CALIBRATION_MS}), ms; NaN when not reported
 * @param samples timed runs behind {@code latencyMs}; 0 when not reported
 * @param sampleVariance variance of those runs relative to the squared latency; NaN for fewer than
 *     2
 * @param run the run that measured ({@value LatencyModelTrainer#RUN_ID}, else the agent); null when
 *     unknown
 */
public record TrainingPoint(
    String archId,
    Phase phase,
    double[] work,
    double[] shape,
    double latencyMs,
    double calibrationMs,
    int samples,
    double sampleVariance,
    String run) {

  /**
   * The point of {@code m}, whose candidate's arch id is {@code archId}: a caller that has it
   * already (a validated record carries it) saves hashing the candidate again.
   */
  public static TrainingPoint of(Measurement m, String archId) {
    return of(m.candidate(), archId, m.phase(), m.contextLength(), m.latencyMs())
        .reported(
            calibrationMs(m),
            m.samplesMs().size(),
            relativeVariance(m.samplesMs(), m.latencyMs()),
            m.environment().getOrDefault(LatencyModelTrainer.RUN_ID, m.agentId()));
  }

  /** The point of a latency alone: no samples, calibration or run reported. */
  static TrainingPoint of(
      Candidate candidate, String archId, Phase phase, int contextLength, double latencyMs) {
    double[] work = Features.of(candidate, phase, contextLength);
    double[] shape = new double[Features.SHAPE_COUNT];
    Features.shapeInto(candidate, contextLength, work[7], shape);
    return new TrainingPoint(
        archId, phase, work, shape, latencyMs, Double.NaN, 0, Double.NaN, null);
  }

  /**
   * This point, when a fit can use it.
   *
   * @throws IllegalArgumentException when it was not made by {@link #of} from a valid measurement
   *     (built by other code): one such point held would make every later fit of its target fail
   */
  public TrainingPoint checked() {
    if (!(latencyMs > 0) || !Double.isFinite(latencyMs)) {
      throw new IllegalArgumentException("latencyMs must be a finite number > 0, got " + latencyMs);
    }
    if (archId == null || phase == null || work == null || shape == null) {
      throw new IllegalArgumentException("a point without its arch id, phase or features");
    }
    if (work.length != Features.COUNT || shape.length != Features.SHAPE_COUNT) {
      throw new IllegalArgumentException(
          "a point of "
              + work.length
              + " features and "
              + shape.length
              + " shape inputs, where this version has "
              + Features.COUNT
              + " and "
              + Features.SHAPE_COUNT);
    }
    return this;
  }

  private TrainingPoint reported(
      double calibrationMs, int samples, double sampleVariance, String run) {
    return new TrainingPoint(
        archId, phase, work, shape, latencyMs, calibrationMs, samples, sampleVariance, run);
  }

  /**
   * This point as if measured when the calibration candidate took {@code referenceMs}: drift
   * (thermal throttling, frequency scaling, neighbours) slows both alike, so their ratio cancels
   * it. Unchanged when either figure is unknown.
   */
  TrainingPoint atReference(double referenceMs) {
    if (Double.isNaN(referenceMs) || Double.isNaN(calibrationMs)) {
      return this;
    }
    return withLatency(latencyMs * referenceMs / calibrationMs);
  }

  TrainingPoint withLatency(double ms) {
    return new TrainingPoint(
        archId, phase, work, shape, ms, calibrationMs, samples, sampleVariance, run);
  }

  /** The samples' variance over the squared latency they report; NaN for fewer than two. */
  private static double relativeVariance(List<Double> samples, double latencyMs) {
    int n = samples.size();
    if (n < 2) {
      return Double.NaN;
    }
    double mean = 0;
    for (double v : samples) {
      mean += v;
    }
    mean /= n;
    double squares = 0;
    for (double v : samples) {
      squares += (v - mean) * (v - mean);
    }
    return squares / (n - 1) / (latencyMs * latencyMs);
  }

  private static double calibrationMs(Measurement m) {
    String value = m.environment().get(LatencyModelTrainer.CALIBRATION_MS);
    if (value == null) {
      return Double.NaN;
    }
    try {
      double ms = Double.parseDouble(value.trim());
      return Double.isFinite(ms) && ms > 0 ? ms : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN; // a free-form environment field; a bad one only means no correction
    }
  }
}
