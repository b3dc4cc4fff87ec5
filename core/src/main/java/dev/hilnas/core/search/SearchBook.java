package dev.hilnas.core.search;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.LatencyModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the {@link SearchLoop} knows: every candidate it requested (in production rebuilt from
 * hil.candidates on start), each target's latency model and frontiers (hil.latency-models and
 * hil.frontiers), and so which requests are still outstanding — requested but not yet measured on
 * their target. Times are epoch ms, passed in. Not thread-safe.
 */
public final class SearchBook {

  /** A candidate on a frontier update: measured or predicted latency, and its quality. */
  public record Point(
      Candidate candidate, double latencyMs, LatencySource source, double quality) {}

  private record Request(Set<String> targets, long requestedAtMs) {}

  private final Map<String, Request> requested = new HashMap<>();
  private final Map<String, LatencyModel> models = new HashMap<>();
  private final Map<String, Map<Objective, List<Point>>> frontiers = new HashMap<>();
  private final Map<String, Map<Objective, ReferencePoint>> references = new HashMap<>();
  private final Map<String, Set<String>> measured = new HashMap<>();
  private final Map<String, QualityPredictor.Evaluated> evaluated = new LinkedHashMap<>();

  public void requested(Candidate candidate, List<String> targets, long requestedAtMs) {
    Request old = requested.get(candidate.archId());
    Set<String> all = new HashSet<>(targets);
    if (old != null) {
      all.addAll(old.targets());
    }
    requested.put(candidate.archId(), new Request(all, requestedAtMs));
  }

  public void model(String targetId, LatencyModel model) {
    models.put(targetId, model);
  }

  /** Replaces the target's frontier for the objective: its points, frontier and dominated. */
  public void frontier(
      String targetId, Objective objective, List<Point> points, ReferencePoint reference) {
    frontiers.computeIfAbsent(targetId, t -> new HashMap<>()).put(objective, List.copyOf(points));
    references.computeIfAbsent(targetId, t -> new HashMap<>()).put(objective, reference);
    for (Point p : points) {
      evaluated.put(
          p.candidate().archId(), new QualityPredictor.Evaluated(p.candidate(), p.quality()));
      if (p.source() == LatencySource.MEASURED) {
        measured.computeIfAbsent(targetId, t -> new HashSet<>()).add(p.candidate().archId());
      }
    }
  }

  /** Targets with a model or a frontier, sorted. */
  public Set<String> targets() {
    Set<String> all = new TreeSet<>(models.keySet());
    all.addAll(frontiers.keySet());
    return all;
  }

  public int requestedCount() {
    return requested.size();
  }

  /**
   * How many requests for a target are not yet measured there: still pending, or lost to the
   * timeout.
   */
  public record Outstanding(int pending, int lost) {}

  /**
   * Requests for the target not yet measured there; those {@code timeoutMs} old or more count as
   * lost.
   */
  public Outstanding outstanding(String targetId, long nowMs, long timeoutMs) {
    Set<String> done = measured.getOrDefault(targetId, Set.of());
    int pending = 0;
    int lost = 0;
    for (var e : requested.entrySet()) {
      Request r = e.getValue();
      if ((r.targets().isEmpty() || r.targets().contains(targetId)) && !done.contains(e.getKey())) {
        if (nowMs - r.requestedAtMs() < timeoutMs) {
          pending++;
        } else {
          lost++;
        }
      }
    }
    return new Outstanding(pending, lost);
  }

  /** Arch ids never to propose for the target again: requested for it, or measured on it. */
  public Set<String> excluded(String targetId) {
    Set<String> out = new HashSet<>(measured.getOrDefault(targetId, Set.of()));
    requested.forEach(
        (id, r) -> {
          if (r.targets().isEmpty() || r.targets().contains(targetId)) {
            out.add(id);
          }
        });
    return out;
  }

  public List<QualityPredictor.Evaluated> evaluated() {
    return new ArrayList<>(evaluated.values());
  }

  /**
   * What the search knows of a target; {@code objectives} are learnt while it has no frontier. Its
   * frontiers come in objective order, so what a strategy does with them never depends on a hash
   * order.
   */
  public TargetView view(
      String targetId, List<Objective> objectives, Map<Objective, Double> budgetsMs) {
    Map<Objective, TargetView.Front> fronts = new LinkedHashMap<>();
    Map<Objective, List<Point>> byObjective =
        new TreeMap<>(Comparator.comparing(Objective::toString));
    byObjective.putAll(frontiers.getOrDefault(targetId, Map.of()));
    byObjective.forEach(
        (objective, points) -> {
          Frontier f = new Frontier();
          for (Point p : points) {
            f.put(
                new FrontierPoint(
                    p.candidate().archId(), null, p.latencyMs(), p.source(), p.quality()));
          }
          fronts.put(objective, new TargetView.Front(f, references.get(targetId).get(objective)));
        });
    return new TargetView(
        targetId, models.get(targetId), fronts, evaluated(), budgetsMs, objectives);
  }
}
