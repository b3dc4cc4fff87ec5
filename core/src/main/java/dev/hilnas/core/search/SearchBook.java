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
 * hil.candidates on start), every failed attempt to measure one (agents' dead letters in hil.dlq),
 * each target's latency model and frontiers (hil.latency-models and hil.frontiers), and so which
 * requests are still outstanding — requested but not yet measured on their target. Times are epoch
 * ms, passed in. Not thread-safe.
 */
public final class SearchBook {

  /**
   * A candidate on a frontier update: measured or predicted latency, its quality, and how many
   * measurements a measured latency is the median of (0 when predicted).
   */
  public record Point(
      Candidate candidate, double latencyMs, LatencySource source, double quality, int repeats) {

    /** A point measured once, or predicted. */
    public Point(Candidate candidate, double latencyMs, LatencySource source, double quality) {
      this(candidate, latencyMs, source, quality, source == LatencySource.MEASURED ? 1 : 0);
    }
  }

  /** One request of a candidate: for which targets (none: every target), and when. */
  private record Request(Set<String> targets, long requestedAtMs) {
    boolean covers(String targetId) {
      return targets.isEmpty() || targets.contains(targetId);
    }
  }

  /** A candidate and each request of it, in the order made. */
  private record Requests(Candidate candidate, List<Request> each) {}

  /** Failed attempts to measure a candidate on one target, and why the last one failed. */
  private record Failures(int count, String lastReason) {}

  /** By arch id, in the order first requested, so retries come oldest first. */
  private final Map<String, Requests> requested = new LinkedHashMap<>();

  /** By arch id, then target id. */
  private final Map<String, Map<String, Failures>> failures = new HashMap<>();

  private final Map<String, LatencyModel> models = new HashMap<>();
  private final Map<String, Map<Objective, List<Point>>> frontiers = new HashMap<>();
  private final Map<String, Map<Objective, ReferencePoint>> references = new HashMap<>();
  private final Map<String, Map<Objective, Long>> updatedAt = new HashMap<>();
  private final Map<String, Set<String>> measured = new HashMap<>();
  private final Map<String, QualityPredictor.Evaluated> evaluated = new LinkedHashMap<>();

  /** A request of the candidate for the targets (none: every target); each is one attempt. */
  public void requested(Candidate candidate, List<String> targets, long requestedAtMs) {
    requested
        .computeIfAbsent(candidate.archId(), id -> new Requests(candidate, new ArrayList<>()))
        .each()
        .add(new Request(Set.copyOf(targets), requestedAtMs));
  }

  /**
   * An attempt to measure the candidate on the target failed. Attempts are counted, not timed:
   * failures and requests may come in any order (a restart reads them from two topics), and agents'
   * clocks are not the search's.
   */
  public void failed(Candidate candidate, String targetId, String reason) {
    failures
        .computeIfAbsent(candidate.archId(), id -> new HashMap<>())
        .merge(
            targetId,
            new Failures(1, reason),
            (before, last) -> new Failures(before.count() + 1, last.lastReason()));
  }

  public void model(String targetId, LatencyModel model) {
    models.put(targetId, model);
  }

  /** As {@link #frontier(String, Objective, List, ReferencePoint, long)} at time 0. */
  public void frontier(
      String targetId, Objective objective, List<Point> points, ReferencePoint reference) {
    frontier(targetId, objective, points, reference, 0);
  }

  /**
   * Replaces the target's frontier for the objective: its points, frontier and dominated.
   *
   * @param updatedAtMs when the job published it
   */
  public void frontier(
      String targetId,
      Objective objective,
      List<Point> points,
      ReferencePoint reference,
      long updatedAtMs) {
    frontiers.computeIfAbsent(targetId, t -> new HashMap<>()).put(objective, List.copyOf(points));
    references.computeIfAbsent(targetId, t -> new HashMap<>()).put(objective, reference);
    updatedAt.computeIfAbsent(targetId, t -> new HashMap<>()).put(objective, updatedAtMs);
    for (Point p : points) {
      evaluated.put(
          p.candidate().archId(), new QualityPredictor.Evaluated(p.candidate(), p.quality()));
      if (p.source() == LatencySource.MEASURED) {
        measured.computeIfAbsent(targetId, t -> new HashSet<>()).add(p.candidate().archId());
      }
    }
  }

  /**
   * The objectives the target's frontiers track, by phase, then context: those updated within
   * {@code staleAfterMs} of the target's newest update (hil.frontiers keeps the objectives a stack
   * no longer has, and the job updates those no more).
   */
  public List<Objective> frontierObjectives(String targetId, long staleAfterMs) {
    Map<Objective, Long> updated = updatedAt.getOrDefault(targetId, Map.of());
    long newest = updated.values().stream().mapToLong(Long::longValue).max().orElse(0);
    return updated.entrySet().stream()
        .filter(e -> e.getValue() >= newest - staleAfterMs)
        .map(Map.Entry::getKey)
        .sorted(Comparator.comparing(Objective::phase).thenComparingInt(Objective::contextLength))
        .toList();
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
   * The candidates requested for a target and not yet measured there, by where they stand.
   *
   * @param pending requested, neither measured nor failed yet, for less than the timeout
   * @param lost pending for the timeout or longer: no longer waited for
   * @param failed failed as often as the attempts allowed: given up
   * @param retries failed as often as requested, but less than the attempts allowed: to request
   *     again, in the order first requested
   */
  public record Outstanding(int pending, int lost, int failed, List<Retry> retries) {}

  /** A failed candidate to request again: which attempt that will be, and why the last failed. */
  public record Retry(Candidate candidate, int attempt, String lastFailure) {}

  /**
   * Where the requests for the target stand that are not measured there yet; a request {@code
   * timeoutMs} old or more is lost, and a candidate that failed {@code maxAttempts} times is given
   * up.
   */
  public Outstanding outstanding(String targetId, long nowMs, long timeoutMs, int maxAttempts) {
    Set<String> done = measured.getOrDefault(targetId, Set.of());
    int pending = 0;
    int lost = 0;
    int failed = 0;
    List<Retry> retries = new ArrayList<>();
    for (var e : requested.entrySet()) {
      if (done.contains(e.getKey())) {
        continue;
      }
      Attempts a = attempts(e.getKey(), targetId);
      if (a.count() == 0) {
        continue;
      }
      if (a.failed() >= maxAttempts) {
        failed++;
      } else if (a.failed() >= a.count()) {
        retries.add(new Retry(e.getValue().candidate(), a.failed() + 1, a.lastFailure()));
      } else if (nowMs - a.lastMs() < timeoutMs) {
        pending++;
      } else {
        lost++;
      }
    }
    return new Outstanding(pending, lost, failed, retries);
  }

  /**
   * Where the target's frontier points stand that rest on fewer than {@code times} measurements.
   *
   * @param pending measured points requested again and not measured, failed or {@code timeoutMs}
   *     old yet, whether still on a frontier or not
   * @param due to request again, by objective and fastest first
   */
  public record Unconfirmed(int pending, List<Candidate> due) {}

  /**
   * The target's frontier points — on the frontier of any objective, not dominated — whose measured
   * latency is the median of fewer than {@code times} measurements there: the frontier keeps the
   * fastest measurements, so a point that one lucky measurement put there is measured again before
   * it is trusted. A point with a request outstanding waits for it; one whose requests there went
   * unanswered (failed, or lost to the timeout) {@code maxAttempts} times is left as it is.
   */
  public Unconfirmed unconfirmed(
      String targetId, int times, long nowMs, long timeoutMs, int maxAttempts) {
    Map<Objective, List<Point>> byObjective =
        new TreeMap<>(Comparator.comparing(Objective::toString));
    byObjective.putAll(frontiers.getOrDefault(targetId, Map.of()));
    // by arch id, the point with fewest repeats: on a frontier, and among all measured points
    Map<String, Point> onFrontier = new LinkedHashMap<>();
    Map<String, Point> measuredHere = new LinkedHashMap<>();
    byObjective.forEach(
        (objective, points) -> {
          Map<String, Point> byArch = new HashMap<>();
          for (Point p : points) {
            byArch.put(p.candidate().archId(), p);
            if (p.source() == LatencySource.MEASURED) {
              measuredHere.merge(p.candidate().archId(), p, SearchBook::fewerRepeats);
            }
          }
          for (FrontierPoint p : frontierOf(points).points()) {
            if (p.source() == LatencySource.MEASURED) {
              onFrontier.merge(p.archId(), byArch.get(p.archId()), SearchBook::fewerRepeats);
            }
          }
        });
    Map<String, Attempts> attempts = new HashMap<>();
    Set<String> waiting = new HashSet<>();
    for (Point p : measuredHere.values()) {
      String arch = p.candidate().archId();
      Attempts a = attempts.computeIfAbsent(arch, k -> attempts(k, targetId));
      if (a.count() - a.failed() > p.repeats() && nowMs - a.lastMs() < timeoutMs) {
        // a confirmation under way holds its slot, though its point may have left the frontier
        waiting.add(arch);
      }
    }
    List<Candidate> due = new ArrayList<>();
    for (Point p : onFrontier.values()) {
      Attempts a = attempts.get(p.candidate().archId()); // every frontier point is measured here
      if (p.repeats() < times
          && !waiting.contains(p.candidate().archId())
          && a.failed() < maxAttempts
          && a.count() - p.repeats() < maxAttempts) {
        due.add(p.candidate());
      } // else confirmed, under way, or maxAttempts requests went unanswered: left as it is
    }
    return new Unconfirmed(waiting.size(), due);
  }

  /**
   * A candidate's requests for a target: how many, how many failed and why the last did (null when
   * none did), when the last was made.
   */
  private record Attempts(int count, int failed, String lastFailure, long lastMs) {}

  private Attempts attempts(String arch, String targetId) {
    Requests r = requested.get(arch);
    List<Request> each =
        r == null ? List.of() : r.each().stream().filter(one -> one.covers(targetId)).toList();
    Failures f = failures.getOrDefault(arch, Map.of()).get(targetId);
    return new Attempts(
        each.size(),
        f == null ? 0 : f.count(),
        f == null ? null : f.lastReason(),
        each.stream().mapToLong(Request::requestedAtMs).max().orElse(Long.MIN_VALUE));
  }

  private static Point fewerRepeats(Point a, Point b) {
    return a.repeats() <= b.repeats() ? a : b;
  }

  /**
   * Arch ids the strategy must never propose for the target again: requested for it (a failed one
   * is retried by the loop, not proposed), or measured on it.
   */
  public Set<String> excluded(String targetId) {
    Set<String> out = new HashSet<>(measured.getOrDefault(targetId, Set.of()));
    requested.forEach(
        (id, r) -> {
          if (r.each().stream().anyMatch(one -> one.covers(targetId))) {
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
        (objective, points) ->
            fronts.put(
                objective,
                new TargetView.Front(frontierOf(points), references.get(targetId).get(objective))));
    return new TargetView(
        targetId, models.get(targetId), fronts, evaluated(), budgetsMs, objectives);
  }

  /** The frontier of a frontier update's points (its frontier and the dominated). */
  private static Frontier frontierOf(List<Point> points) {
    Frontier f = new Frontier();
    for (Point p : points) {
      f.put(
          new FrontierPoint(p.candidate().archId(), null, p.latencyMs(), p.source(), p.quality()));
    }
    return f;
  }
}
