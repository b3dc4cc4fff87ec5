package dev.hilnas.core.frontier;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.Statistics;
import dev.hilnas.core.latency.LatencyModel;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The frontiers of one hardware target, one per objective, kept up to date as measurements, quality
 * evaluations and latency-model refits arrive in any order. A candidate's latency on an objective
 * is the median of its newest {@value #KEPT_REPEATS} measurements there, else the model's
 * prediction; without either it waits off the frontier. The result after any sequence of updates
 * equals {@link FrontierAssembly} on the same inputs and weight width. Not thread-safe.
 */
public final class TargetFrontiers {

  /** Repeated measurements of one candidate on one objective kept for its median. */
  public static final int KEPT_REPEATS = 16;

  private final Map<Objective, Frontier> frontiers = new LinkedHashMap<>();
  private final Map<String, Quality> qualities = new HashMap<>();
  private final Map<Objective, Map<String, ArrayDeque<Double>>> measured = new HashMap<>();
  private final OptionalInt weightBits;
  private LatencyModel model;

  /**
   * Frontiers that take every evaluated candidate, whatever its weights' width: a target's are made
   * by {@link #of}.
   */
  public TargetFrontiers(List<Objective> objectives) {
    this(objectives, OptionalInt.empty());
  }

  /**
   * The frontiers of the target {@code targetId}, kept to the weight width its precision names
   * ({@link HardwareTarget#weightBits}), if any.
   */
  public static TargetFrontiers of(String targetId, List<Objective> objectives) {
    return new TargetFrontiers(objectives, HardwareTarget.weightBitsOf(targetId));
  }

  /**
   * @param weightBits when present, only candidates of this width join: a target that runs every
   *     candidate at one width (its precision names it) never runs another's, so an evaluation at
   *     another width (evaluations hold for every target) describes a model it does not run
   */
  private TargetFrontiers(List<Objective> objectives, OptionalInt weightBits) {
    if (objectives.isEmpty()) {
      throw new IllegalArgumentException("at least one objective is needed");
    }
    this.weightBits = weightBits;
    objectives.forEach(o -> frontiers.put(o, new Frontier()));
    objectives.forEach(o -> measured.put(o, new HashMap<>()));
  }

  public List<Objective> objectives() {
    return List.copyOf(frontiers.keySet());
  }

  public Frontier frontier(Objective objective) {
    Frontier f = frontiers.get(objective);
    if (f == null) {
      throw new IllegalArgumentException("objective " + objective + " is not kept for this target");
    }
    return f;
  }

  public Optional<Quality> quality(String archId) {
    return Optional.ofNullable(qualities.get(archId));
  }

  public Optional<LatencyModel> model() {
    return Optional.ofNullable(model);
  }

  /**
   * How many architectures have an evaluation here: a new model re-ranks each on every objective it
   * has not been measured on.
   */
  public int evaluated() {
    return qualities.size();
  }

  /** Whether a target that names {@code weightBits} (or none) runs {@code candidate}. */
  static boolean runs(OptionalInt weightBits, Candidate candidate) {
    return weightBits.isEmpty() || weightBits.getAsInt() == candidate.weightBits();
  }

  /** Whether the objective has a frontier here. */
  public boolean keeps(Objective objective) {
    return frontiers.containsKey(objective);
  }

  /**
   * @return the objectives whose frontier or dominated points changed
   */
  public Set<Objective> add(Measurement m) {
    return addMeasured(m.candidate().archId(), m.objective(), m.latencyMs());
  }

  /**
   * A measured latency of an architecture on an objective; ignored when no frontier keeps the
   * objective.
   *
   * @return the objectives whose frontier or dominated points changed
   */
  public Set<Objective> addMeasured(String arch, Objective objective, double latencyMs) {
    Map<String, ArrayDeque<Double>> byArch = measured.get(objective);
    if (byArch == null) {
      return Set.of();
    }
    // most cells hold one latency: sized for it, where the default took 17 slots (60 bytes more a
    // cell, and a target holds up to 100,000 cells)
    ArrayDeque<Double> repeats = byArch.computeIfAbsent(arch, k -> new ArrayDeque<>(1));
    repeats.addLast(latencyMs);
    if (repeats.size() > KEPT_REPEATS) {
      repeats.removeFirst();
    }
    return refresh(arch, List.of(objective));
  }

  /**
   * A newer evaluation of the same architecture replaces the older; one of a width this target does
   * not run is ignored.
   */
  public Set<Objective> add(Quality q) {
    if (!runs(weightBits, q.candidate())) {
      return Set.of();
    }
    String arch = q.candidate().archId();
    qualities.put(arch, q);
    return refresh(arch, frontiers.keySet());
  }

  /** Re-ranks every point whose latency is predicted. */
  public Set<Objective> setModel(LatencyModel latest) {
    this.model = latest;
    Set<Objective> changed = new LinkedHashSet<>();
    for (Objective objective : frontiers.keySet()) {
      Map<String, FrontierPoint> predicted = new HashMap<>();
      Map<String, ArrayDeque<Double>> byArch = measured.get(objective);
      for (Map.Entry<String, Quality> q : qualities.entrySet()) {
        if (!byArch.containsKey(q.getKey())) {
          predicted.put(q.getKey(), point(q.getKey(), q.getValue(), objective));
        }
      }
      if (frontiers.get(objective).update(predicted)) {
        changed.add(objective);
      }
    }
    return changed;
  }

  private Set<Objective> refresh(String arch, Iterable<Objective> objectives) {
    Quality q = qualities.get(arch);
    if (q == null) {
      return Set.of();
    }
    Set<Objective> changed = new LinkedHashSet<>();
    for (Objective objective : objectives) {
      Frontier frontier = frontiers.get(objective);
      FrontierPoint point = point(arch, q, objective);
      // a dominated point changes the update too: readers (the search) learn from it that the
      // candidate was measured, which the frontier alone would never tell them
      boolean known = frontier.point(arch).equals(java.util.Optional.ofNullable(point));
      boolean moved = point == null ? frontier.remove(arch) : frontier.put(point);
      if (moved || !known) {
        changed.add(objective);
      }
    }
    return changed;
  }

  /**
   * The evaluated architecture's point on the objective: its measured median, else the model's
   * prediction, else null (it waits off the frontier).
   */
  private FrontierPoint point(String arch, Quality q, Objective objective) {
    ArrayDeque<Double> repeats = measured.get(objective).get(arch);
    if (repeats != null) {
      return new FrontierPoint(
          arch,
          q.candidateId(),
          Statistics.median(repeats),
          LatencySource.MEASURED,
          q.value(),
          repeats.size());
    }
    if (model != null && model.covers(objective.phase())) {
      double ms = model.predictMs(q.candidate(), objective.phase(), objective.contextLength());
      return new FrontierPoint(arch, q.candidateId(), ms, LatencySource.PREDICTED, q.value());
    }
    return null;
  }
}
