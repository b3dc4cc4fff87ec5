package dev.hilnas.core.latency;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Statistics;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects the measurements of one target and fits an {@link AdditiveLatencyModel}. Memory is
 * bounded: each phase keeps its newest {@link #MAX_PER_PHASE} points, so a long-running target also
 * tracks drift. Adding is O(1); {@link #fit()} depends only on the points held, so a trainer fed
 * one measurement at a time fits exactly the model a batch of the same points gives. Not
 * thread-safe.
 */
public final class LatencyModelTrainer {

  /** The {@link Measurement#environment()} key of the calibration candidate's latency, ms. */
  public static final String CALIBRATION_MS = "calibrationMs";

  /**
   * The {@link Measurement#environment()} key naming the run (an agent process, a session) that
   * measured; a point without one belongs to its {@link Measurement#agentId()}'s run. The speed of
   * each run is learned as a random effect ({@link RunEffects}).
   */
  public static final String RUN_ID = "runId";

  /** Points kept per phase. */
  public static final int MAX_PER_PHASE = 2048;

  private final ArrayDeque<TrainingPoint>[] points;
  private final int capacity;
  private final boolean normaliseDrift;

  public LatencyModelTrainer() {
    this(MAX_PER_PHASE, false);
  }

  /**
   * @param capacity points kept per phase, newest first
   * @param normaliseDrift divide drift out of points that report {@value #CALIBRATION_MS}: each is
   *     rescaled to the median calibration latency of its phase's points. Off by default: on the
   *     harness data of this machine the calibration's own noise outweighed the drift it removed
   *     (repeats agreed within ±10% 76% of the time raw, 59% normalised).
   */
  @SuppressWarnings("unchecked")
  public LatencyModelTrainer(int capacity, boolean normaliseDrift) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.normaliseDrift = normaliseDrift;
    this.points = new ArrayDeque[] {new ArrayDeque<>(), new ArrayDeque<>()};
  }

  /** A model fitted on all of {@code measurements} (the newest per phase when over capacity). */
  public static Optional<AdditiveLatencyModel> fit(Iterable<Measurement> measurements) {
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    measurements.forEach(trainer::add);
    return trainer.fit();
  }

  /**
   * One model per target of {@code measurements}, in order of first appearance.
   *
   * @param normaliseDrift see {@link #LatencyModelTrainer(int, boolean)}
   */
  public static Map<HardwareTarget, AdditiveLatencyModel> fitPerTarget(
      Iterable<Measurement> measurements, boolean normaliseDrift) {
    Map<HardwareTarget, LatencyModelTrainer> trainers = new LinkedHashMap<>();
    for (Measurement m : measurements) {
      trainers
          .computeIfAbsent(m.target(), t -> new LatencyModelTrainer(MAX_PER_PHASE, normaliseDrift))
          .add(m);
    }
    Map<HardwareTarget, AdditiveLatencyModel> models = new LinkedHashMap<>();
    trainers.forEach((target, trainer) -> trainer.fit().ifPresent(m -> models.put(target, m)));
    return models;
  }

  /**
   * Adds a measurement with what it says about its own precision (its samples), the run that
   * measured it ({@value #RUN_ID}, else the agent) and the {@value #CALIBRATION_MS} its {@code
   * environment} reports (the latency of the agent's fixed calibration candidate timed alongside in
   * the same phase), if any.
   */
  public void add(Measurement m) {
    add(TrainingPoint.of(m, m.candidate().archId()));
  }

  /**
   * Adds a point made where its measurement was read ({@link TrainingPoint#of}).
   *
   * @throws IllegalArgumentException when a fit cannot use it ({@link TrainingPoint#checked})
   */
  public void add(TrainingPoint point) {
    ArrayDeque<TrainingPoint> queue = points[point.checked().phase().ordinal()];
    queue.addLast(point);
    if (queue.size() > capacity) {
      queue.removeFirst();
    }
  }

  /**
   * Adds a latency alone, without samples, calibration or run.
   *
   * @param latencyMs measured latency, ms, finite and > 0
   */
  public void add(Candidate candidate, Phase phase, int contextLength, double latencyMs) {
    add(TrainingPoint.of(candidate, candidate.archId(), phase, contextLength, latencyMs));
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
    return Optional.of(new AdditiveLatencyModel(fitPhase(Phase.PREFILL), fitPhase(Phase.DECODE)));
  }

  /**
   * The fast refit for a stream: prices refitted on the points held with the settings {@code
   * previous} chose by cross-validation, its trees' splits kept and their leaves refitted (and its
   * interval and CV figures). Tens of times cheaper than {@link #fit()}; callers run a full fit
   * again once the data has moved on. A phase {@code previous} does not cover gets a full fit.
   */
  public Optional<AdditiveLatencyModel> refit(AdditiveLatencyModel previous) {
    if (size() == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new AdditiveLatencyModel(
            refitPhase(Phase.PREFILL, previous), refitPhase(Phase.DECODE, previous)));
  }

  private PhaseModel refitPhase(Phase phase, AdditiveLatencyModel previous) {
    PhaseModel before = previous.phase(phase);
    List<TrainingPoint> held = held(phase);
    if (held.isEmpty()) {
      return null;
    }
    return before == null ? PhaseFitter.fit(held) : PhaseFitter.refit(held, before);
  }

  private PhaseModel fitPhase(Phase phase) {
    List<TrainingPoint> held = held(phase);
    return held.isEmpty() ? null : PhaseFitter.fit(held);
  }

  /** The phase's points, drift divided out when asked to. */
  private List<TrainingPoint> held(Phase phase) {
    ArrayDeque<TrainingPoint> queue = points[phase.ordinal()];
    double reference = normaliseDrift ? referenceCalibrationMs(queue) : Double.NaN;
    return queue.stream().map(o -> o.atReference(reference)).toList();
  }

  /** Median calibration latency of a phase's points; NaN when none reported one. */
  private static double referenceCalibrationMs(ArrayDeque<TrainingPoint> queue) {
    double[] values =
        queue.stream()
            .mapToDouble(TrainingPoint::calibrationMs)
            .filter(v -> !Double.isNaN(v))
            .toArray();
    return values.length == 0 ? Double.NaN : Statistics.quantile(values, 0.5);
  }
}
