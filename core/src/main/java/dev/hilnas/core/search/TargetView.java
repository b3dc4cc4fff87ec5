package dev.hilnas.core.search;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.LatencyModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the search knows of one target when it proposes. A snapshot: the loop builds one per target
 * and step, so a strategy may keep it but not change it.
 *
 * @param model the target's latency model, or null before the first
 * @param frontiers per objective, every point the target's frontier update carried (the frontier
 *     and the dominated points), with its fixed hypervolume reference; in objective order
 * @param evaluated every candidate whose quality is known, on any target, in the order first seen
 * @param budgetsMs latency budgets per objective, ms: candidates predicted over are never proposed
 * @param objectives whose latency to learn while there is no frontier (no quality side yet, or a
 *     latency-only search)
 */
public record TargetView(
    String targetId,
    LatencyModel model,
    Map<Objective, Front> frontiers,
    List<QualityPredictor.Evaluated> evaluated,
    Map<Objective, Double> budgetsMs,
    List<Objective> objectives) {

  /** A frontier with its fixed hypervolume reference. */
  public record Front(Frontier frontier, ReferencePoint reference) {}

  /**
   * The evaluated candidates on the frontiers (the parents of mutations), first objective first.
   */
  public List<Candidate> parents() {
    Map<String, Candidate> byId = new HashMap<>();
    evaluated.forEach(e -> byId.put(e.candidate().archId(), e.candidate()));
    Map<String, Candidate> out = new LinkedHashMap<>();
    frontiers
        .values()
        .forEach(
            f ->
                f.frontier()
                    .points()
                    .forEach(
                        p -> {
                          Candidate c = byId.get(p.archId());
                          if (c != null) {
                            out.putIfAbsent(p.archId(), c);
                          }
                        }));
    return new ArrayList<>(out.values());
  }
}
