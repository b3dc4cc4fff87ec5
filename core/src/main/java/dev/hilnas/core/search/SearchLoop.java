package dev.hilnas.core.search;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.LatencyModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The search loop, the same in production and in {@code bench search}: it is told what is known —
 * requests made before a restart, latency models, frontiers — and at each {@link #step} asks its
 * strategy, for every target with free measurement capacity, what to measure next, and records
 * those requests. Whoever runs it publishes what a step returns and feeds back what comes of it.
 * Time is passed in (epoch ms, or any clock that only moves forward) and the randomness is seeded
 * at construction, so a run is a function of its inputs. Not thread-safe.
 */
public final class SearchLoop {

  /**
   * @param agents agents measuring per target id; targets known only from models or frontiers get
   *     {@code defaultAgents}
   * @param inFlightPerAgent requests kept pending per agent, so agents never wait on the search
   * @param pendingTimeout after this a request that was never measured is lost: it no longer takes
   *     capacity, and is not proposed again
   * @param budgetsMs latency budgets per target id and objective, ms: candidates predicted over are
   *     never proposed
   * @param objectives whose latency to learn on a target without frontiers (latency-only search)
   */
  public record Settings(
      Map<String, Integer> agents,
      int defaultAgents,
      int inFlightPerAgent,
      Duration pendingTimeout,
      Map<String, Map<Objective, Double>> budgetsMs,
      List<Objective> objectives) {}

  private final SearchStrategy strategy;
  private final Settings settings;
  private final SplittableRandom random;
  private final SearchBook book = new SearchBook();
  private String status = "no step yet";

  public SearchLoop(SearchStrategy strategy, Settings settings, long seed) {
    this.strategy = strategy;
    this.settings = settings;
    this.random = new SplittableRandom(seed);
  }

  /**
   * A request made earlier (one read back on a restart): pending until measured, never proposed
   * again.
   */
  public void requested(Candidate candidate, List<String> targets, long requestedAtMs) {
    book.requested(candidate, targets, requestedAtMs);
  }

  public void model(String targetId, LatencyModel model) {
    book.model(targetId, model);
  }

  /** Replaces the target's frontier for the objective: its points, frontier and dominated. */
  public void frontier(
      String targetId,
      Objective objective,
      List<SearchBook.Point> points,
      ReferencePoint reference) {
    book.frontier(targetId, objective, points, reference);
  }

  public int requestedCount() {
    return book.requestedCount();
  }

  /**
   * Proposes for each target, sorted by id, as many candidates as it has free capacity — agents ×
   * in flight per agent − pending — and records them as requested at {@code nowMs}.
   *
   * @return the proposals to publish, in the order made
   */
  public List<Proposal> step(long nowMs) {
    Set<String> targets = new TreeSet<>(book.targets());
    targets.addAll(settings.agents().keySet());
    List<Proposal> out = new ArrayList<>();
    StringBuilder fronts = new StringBuilder();
    int lost = 0;
    for (String target : targets) {
      SearchBook.Outstanding outstanding =
          book.outstanding(target, nowMs, settings.pendingTimeout().toMillis());
      lost += outstanding.lost();
      int free =
          settings.agents().getOrDefault(target, settings.defaultAgents())
                  * settings.inFlightPerAgent()
              - outstanding.pending();
      TargetView view =
          book.view(
              target, settings.objectives(), settings.budgetsMs().getOrDefault(target, Map.of()));
      if (free > 0) {
        for (Proposal p : strategy.propose(view, book.excluded(target), free, random)) {
          book.requested(p.candidate(), List.of(p.targetId()), nowMs);
          out.add(p);
        }
      }
      view.frontiers()
          .forEach(
              (o, f) ->
                  fronts.append(
                      String.format(
                          " %s %s: %d on frontier, hypervolume %.4g;",
                          target,
                          o,
                          f.frontier().points().size(),
                          f.frontier().hypervolume(f.reference()))));
    }
    status =
        String.format(
            "requested %d candidates, %d evaluated, %d lost to the timeout;%s",
            book.requestedCount(), book.evaluated().size(), lost, fronts);
    return out;
  }

  /**
   * A one-line summary as of the last step: requested, evaluated, lost, frontier size and
   * hypervolume per target and objective.
   */
  public String status() {
    return status;
  }
}
