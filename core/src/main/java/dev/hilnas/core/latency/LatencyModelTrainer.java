package dev.hilnas.core.latency;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;

/**
 * Collects the measurements of one target and fits an {@link AdditiveLatencyModel}. Memory is
 * bounded: each phase keeps its newest {@link #MAX_PER_PHASE} points, so a long-running target
 * also tracks drift. Adding is O(1); {@link #fit()} depends only on the points held, so a trainer
 * fed one measurement at a time fits exactly the model a batch of the same points gives. Not
 * thread-safe.
 */
public final class LatencyModelTrainer {

  /** The {@link Measurement#environment()} key of the calibration candidate's latency, ms. */
  public static final String CALIBRATION_MS = "calibrationMs";

  /** Points kept per phase. */
  public static final int MAX_PER_PHASE = 2048;

  private final ArrayDeque<Observation>[] points;
  private final int capacity;

  public LatencyModelTrainer() {
    this(MAX_PER_PHASE);
  }

  /** @param capacity points kept per phase, newest first */
  @SuppressWarnings("unchecked")
  public LatencyModelTrainer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.points = new ArrayDeque[] {new ArrayDeque<>(), new ArrayDeque<>()};
  }

  /** A model fitted on all of {@code measurements} (the newest per phase when over capacity). */
  public static Optional<AdditiveLatencyModel> fit(Iterable<Measurement> measurements) {
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    measurements.forEach(trainer::add);
    return trainer.fit();
  }

  /**
   * Adds a measurement. When its {@code environment} reports {@value #CALIBRATION_MS} (the latency
   * of the agent's fixed calibration candidate timed alongside, DESIGN.md §3), the fit divides
   * the drift out: every such point is rescaled to the median calibration latency of the points
   * held.
   */
  public void add(Measurement m) {
    add(m.candidate(), m.phase(), m.contextLength(), m.latencyMs(), calibrationMs(m));
  }

  /** @param latencyMs measured latency, ms, finite and > 0 (a validated measurement) */
  public void add(Candidate candidate, Phase phase, int contextLength, double latencyMs) {
    add(candidate, phase, contextLength, latencyMs, Double.NaN);
  }

  private void add(
      Candidate candidate, Phase phase, int contextLength, double latencyMs, double calibrationMs) {
    double[] work = Features.of(candidate, phase, contextLength);
    double[] shape = new double[Features.SHAPE_COUNT];
    Features.shapeInto(candidate, contextLength, work[7], shape);
    ArrayDeque<Observation> queue = points[phase.ordinal()];
    queue.addLast(new Observation(candidate.archId(), work, shape, latencyMs, calibrationMs));
    if (queue.size() > capacity) {
      queue.removeFirst();
    }
  }

  /** Points held, both phases. */
  public int size() {
    return points[0].size() + points[1].size();
  }

  /** The model of the points held; empty before the first point. */
  public Optional<AdditiveLatencyModel> fit() {
    if (size() == 0) {
      return Optional.empty();
    }
    double reference = referenceCalibrationMs();
    return Optional.of(
        new AdditiveLatencyModel(
            fitPhase(Phase.PREFILL, reference), fitPhase(Phase.DECODE, reference)));
  }

  private PhaseModel fitPhase(Phase phase, double reference) {
    ArrayDeque<Observation> queue = points[phase.ordinal()];
    return queue.isEmpty()
        ? null
        : PhaseFitter.fit(queue.stream().map(o -> o.atReference(reference)).toList());
  }

  /** Median calibration latency of the points held; NaN when none reported one. */
  private double referenceCalibrationMs() {
    double[] values =
        Arrays.stream(points)
            .flatMap(ArrayDeque::stream)
            .mapToDouble(Observation::calibrationMs)
            .filter(v -> !Double.isNaN(v))
            .sorted()
            .toArray();
    return values.length == 0 ? Double.NaN : PhaseFitter.quantile(values, 0.5);
  }

  private static double calibrationMs(Measurement m) {
    String value = m.environment().get(CALIBRATION_MS);
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
