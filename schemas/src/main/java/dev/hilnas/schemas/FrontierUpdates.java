package dev.hilnas.schemas;

import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.core.latency.LatencyModel;
import dev.hilnas.core.latency.LatencyPrediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Puts one (target, objective) frontier on the wire. */
public final class FrontierUpdates {
  private FrontierUpdates() {}

  /** Dominated points carried for plots; beyond this many the update would grow without bound. */
  public static final int MAX_OTHERS = 2000;

  /** The Kafka key of a frontier: {@code targetId|objective}. */
  public static String key(String targetId, Objective objective) {
    return targetId + "|" + objective;
  }

  /**
   * Every frontier point with its architecture (from its evaluation) and, when predicted, the
   * model's interval.
   */
  public static FrontierUpdate of(
      String targetId,
      TargetFrontiers frontiers,
      Objective objective,
      long version,
      ReferencePoint reference,
      Instant updatedAt) {
    return of(targetId, frontiers, objective, version, reference, updatedAt, new WirePoints());
  }

  /**
   * As {@link #of(String, TargetFrontiers, Objective, long, ReferencePoint, Instant)}, converting
   * only the points that changed since {@code wired} last saw this objective; {@code wired} then
   * holds this update's points.
   */
  public static FrontierUpdate of(
      String targetId,
      TargetFrontiers frontiers,
      Objective objective,
      long version,
      ReferencePoint reference,
      Instant updatedAt,
      WirePoints wired) {
    Frontier frontier = frontiers.frontier(objective);
    LatencyModel model = frontiers.model().orElse(null);
    wired.start();
    List<FrontierPoint> points = new ArrayList<>();
    for (dev.hilnas.core.frontier.FrontierPoint p : frontier.points()) {
      points.add(wire(p, frontiers, model, objective, wired));
    }
    Set<String> onFrontier = new HashSet<>();
    frontier.points().forEach(p -> onFrontier.add(p.archId()));
    List<FrontierPoint> others = new ArrayList<>();
    for (dev.hilnas.core.frontier.FrontierPoint p : frontier.inOrder()) {
      if (others.size() == MAX_OTHERS) {
        break;
      }
      if (!onFrontier.contains(p.archId())) {
        others.add(wire(p, frontiers, model, objective, wired));
      }
    }
    wired.built(objective);
    return FrontierUpdate.newBuilder()
        .setTargetId(targetId)
        .setObjective(objective.toString())
        .setVersion(version)
        .setHypervolume(frontier.hypervolume(reference))
        .setReferenceLatencyMs(reference.latencyMs())
        .setReferenceQuality(reference.quality())
        .setPoints(points)
        .setOthers(others)
        .setUpdatedAt(updatedAt)
        .build();
  }

  private static FrontierPoint wire(
      dev.hilnas.core.frontier.FrontierPoint p,
      TargetFrontiers frontiers,
      LatencyModel model,
      Objective objective,
      WirePoints wired) {
    FrontierPoint kept = wired.reuse(objective, p, model);
    if (kept == null) {
      kept = wire(p, frontiers, model, objective, wired.candidate(p.archId()));
    }
    wired.keep(p, model, kept);
    return kept;
  }

  /**
   * @param candidate the architecture's candidate on the wire, or null to convert it: an arch id
   *     names one candidate, so the form of any update of the target fits
   */
  private static FrontierPoint wire(
      dev.hilnas.core.frontier.FrontierPoint p,
      TargetFrontiers frontiers,
      LatencyModel model,
      Objective objective,
      Candidate candidate) {
    if (candidate == null) {
      candidate =
          Convert.toAvro(frontiers.quality(p.archId()).orElseThrow().candidate(), p.archId());
    }
    FrontierPoint.Builder point =
        FrontierPoint.newBuilder()
            .setCandidateId(p.candidateId())
            .setCandidate(candidate)
            .setLatencyMs(p.latencyMs())
            .setLatencySource(LatencySource.valueOf(p.source().name()))
            .setQuality(p.quality())
            .setRepeats(p.repeats());
    if (p.source() == dev.hilnas.core.frontier.LatencySource.PREDICTED && model != null) {
      LatencyPrediction interval = model.interval(objective.phase(), p.latencyMs());
      point.setLatencyLowMs(interval.lowMs()).setLatencyHighMs(interval.highMs());
    }
    return point.build();
  }
}
