package dev.hilnas.core.search;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.core.latency.LatencyModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The search loop, the same in production and in {@code bench search}: it is told what is known —
 * requests made before a restart, failed attempts to measure them, latency models, frontiers — and
 * at each {@link #step} fills every target's free measurement capacity, first with failed
 * candidates to try again, then with what its strategy proposes (at the weight precision the
 * target's precision names, if it names one), and records those requests. Whoever runs it publishes
 * what a step returns and feeds back what comes of it. Time is passed in (epoch ms, or any clock
 * that only moves forward) and the randomness is seeded at construction, so a run is a function of
 * its inputs. Not thread-safe.
 */
public final class SearchLoop {

  /**
   * @param agents agents measuring per target id; targets known only from models or frontiers get
   *     {@code defaultAgents}
   * @param inFlightPerAgent requests kept pending per agent, so agents never wait on the search
   * @param pendingTimeout after this a request that was never measured is lost: it no longer takes
   *     capacity, and is not proposed again
   * @param maxAttempts how often a candidate is requested on a target at most: after that many
   *     failures there the search gives up on it there
   * @param budgetsMs latency budgets per target id and objective, ms: candidates predicted over are
   *     never proposed
   * @param objectives whose latency to learn on a target without frontiers (latency-only search)
   * @param confirmations how many measurements a frontier point should rest on: a measured point on
   *     a frontier with fewer is requested again, before the strategy's proposals, in at most half
   *     the target's capacity (one request at least); 1 measures every candidate once
   */
  public record Settings(
      Map<String, Integer> agents,
      int defaultAgents,
      int inFlightPerAgent,
      Duration pendingTimeout,
      int maxAttempts,
      Map<String, Map<Objective, Double>> budgetsMs,
      List<Objective> objectives,
      int confirmations) {

    public Settings {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
      }
      // a frontier point's latency is the median of its newest KEPT_REPEATS measurements at most
      if (confirmations < 1 || confirmations > TargetFrontiers.KEPT_REPEATS) {
        throw new IllegalArgumentException(
            "confirmations must be 1.." + TargetFrontiers.KEPT_REPEATS + ", got " + confirmations);
      }
    }

    /** Every candidate measured once. */
    public Settings(
        Map<String, Integer> agents,
        int defaultAgents,
        int inFlightPerAgent,
        Duration pendingTimeout,
        int maxAttempts,
        Map<String, Map<Objective, Double>> budgetsMs,
        List<Objective> objectives) {
      this(
          agents,
          defaultAgents,
          inFlightPerAgent,
          pendingTimeout,
          maxAttempts,
          budgetsMs,
          objectives,
          1);
    }
  }

  /**
   * How far behind the target's newest frontier update an objective's may be and still be asked
   * for. The job republishes a target's frontiers whenever its model changes, but an objective
   * whose points are all measured may not change with it: generous, so a live frontier is not
   * dropped.
   */
  public static final Duration STALE_FRONTIER = Duration.ofMinutes(30);

  private final SearchStrategy strategy;
  private final Map<Integer, SearchStrategy> byWeightBits = new HashMap<>();
  private final Settings settings;
  private final SplittableRandom random;
  private final SearchBook book = new SearchBook();
  private String status = "no step yet";
  private Progress progress = new Progress(0, 0, 0, 0);

  /**
   * The loop's counts as of its last step, for progress lines: candidates requested, evaluated
   * (measured and scored), lost to the pending timeout and given up after failing (a candidate
   * given up on two targets counts twice).
   */
  public record Progress(int requested, int evaluated, int lost, int givenUp) {}

  public SearchLoop(SearchStrategy strategy, Settings settings, long seed) {
    this.strategy = strategy;
    this.settings = settings;
    this.random = new SplittableRandom(seed);
  }

  /**
   * A request made earlier (one read back on a restart, a retry among them): pending until measured
   * or failed, never proposed again by the strategy.
   */
  public void requested(Candidate candidate, List<String> targets, long requestedAtMs) {
    book.requested(candidate, targets, requestedAtMs);
  }

  /**
   * An attempt to measure the candidate on the target failed (an agent's dead letter): a later step
   * requests it again, unless it has now failed {@link Settings#maxAttempts} times there.
   */
  public void failed(Candidate candidate, String targetId, String reason) {
    book.failed(candidate, targetId, reason);
  }

  public void model(String targetId, LatencyModel model) {
    book.model(targetId, model);
  }

  /** As {@link #frontier(String, Objective, List, ReferencePoint, long)} at time 0. */
  public void frontier(
      String targetId,
      Objective objective,
      List<SearchBook.Point> points,
      ReferencePoint reference) {
    book.frontier(targetId, objective, points, reference);
  }

  /**
   * Replaces the target's frontier for the objective: its points, frontier and dominated.
   *
   * @param updatedAtMs when the job published it: an objective whose frontier has not been updated
   *     for {@link #STALE_FRONTIER} before the target's newest is no longer asked for
   */
  public void frontier(
      String targetId,
      Objective objective,
      List<SearchBook.Point> points,
      ReferencePoint reference,
      long updatedAtMs) {
    book.frontier(targetId, objective, points, reference, updatedAtMs);
  }

  public int requestedCount() {
    return book.requestedCount();
  }

  /**
   * What a request on the target asks its agents to time: the objectives its frontiers track, so
   * that frontier points rest on measurements rather than predictions, or, before the first
   * frontier, the latency to learn ({@link Settings#objectives}). A frontier the job no longer
   * updates (the stack now keeps other objectives; hil.frontiers keeps the old ones) is left out.
   */
  public List<Objective> objectives(String targetId) {
    List<Objective> tracked = book.frontierObjectives(targetId, STALE_FRONTIER.toMillis());
    return tracked.isEmpty() ? settings.objectives() : tracked;
  }

  /**
   * Proposes for each target, sorted by id, as many candidates as it has free capacity — agents ×
   * in flight per agent − pending requests and pending confirmations: failed candidates to try
   * again first, oldest first, then frontier points to confirm (at most half the capacity, one slot
   * at least, pending confirmations included), then the strategy's — and records them as requested
   * at {@code nowMs}. With a capacity of 1, a point to confirm takes the only slot.
   *
   * @return the proposals to publish, in the order made
   */
  public List<Proposal> step(long nowMs) {
    Set<String> targets = new TreeSet<>(book.targets());
    targets.addAll(settings.agents().keySet());
    List<Proposal> out = new ArrayList<>();
    StringBuilder fronts = new StringBuilder();
    int lost = 0;
    int failed = 0;
    for (String target : targets) {
      SearchBook.Outstanding outstanding =
          book.outstanding(
              target, nowMs, settings.pendingTimeout().toMillis(), settings.maxAttempts());
      lost += outstanding.lost();
      failed += outstanding.failed();
      SearchBook.Unconfirmed unconfirmed =
          settings.confirmations() > 1
              ? book.unconfirmed(
                  target,
                  settings.confirmations(),
                  nowMs,
                  settings.pendingTimeout().toMillis(),
                  settings.maxAttempts())
              : new SearchBook.Unconfirmed(0, List.of());
      int capacity =
          settings.agents().getOrDefault(target, settings.defaultAgents())
              * settings.inFlightPerAgent();
      int free = capacity - outstanding.pending() - unconfirmed.pending();
      List<Proposal> proposals =
          new ArrayList<>(
              outstanding.retries().stream()
                  .limit(Math.max(free, 0))
                  .map(r -> retry(r, target))
                  .toList());
      // confirmations hold at most half the capacity (one slot at least): the search goes on
      int confirming = Math.max(1, capacity / 2) - unconfirmed.pending();
      unconfirmed.due().stream()
          .limit(Math.max(Math.min(free - proposals.size(), confirming), 0))
          .map(c -> confirmation(c, target))
          .forEach(proposals::add);
      TargetView view =
          book.view(
              target, settings.objectives(), settings.budgetsMs().getOrDefault(target, Map.of()));
      if (free > proposals.size()) {
        proposals.addAll(
            strategy(target).propose(view, book.excluded(target), free - proposals.size(), random));
      }
      for (Proposal p : proposals) {
        book.requested(p.candidate(), List.of(p.targetId()), nowMs);
        out.add(p);
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
    progress = new Progress(book.requestedCount(), book.evaluated().size(), lost, failed);
    status =
        String.format(
            "requested %d candidates, %d evaluated, %d lost to the timeout, %d given up after %d"
                + " failures;%s",
            book.requestedCount(),
            book.evaluated().size(),
            lost,
            failed,
            settings.maxAttempts(),
            fronts);
    return out;
  }

  /**
   * The strategy for a target, kept to the weight precision its precision names (the built-in
   * runners run every candidate at that precision: a 4-bit candidate timed at fp32 would be a point
   * whose latency and quality describe two different models).
   */
  private SearchStrategy strategy(String target) {
    OptionalInt bits = HardwareTarget.weightBitsOf(target);
    return bits.isPresent()
        ? byWeightBits.computeIfAbsent(bits.getAsInt(), strategy::withWeightBits)
        : strategy;
  }

  /** The request of a frontier point again, so that it rests on more than one measurement. */
  private Proposal confirmation(Candidate candidate, String target) {
    return new Proposal(
        candidate,
        target,
        String.format(
            "confirming a frontier point: measured fewer than %d times", settings.confirmations()),
        0);
  }

  /** The request of a failed candidate again, saying which attempt it is and what went wrong. */
  private Proposal retry(SearchBook.Retry r, String target) {
    return new Proposal(
        r.candidate(),
        target,
        String.format(
            "attempt %d of %d, after: %s", r.attempt(), settings.maxAttempts(), r.lastFailure()),
        0);
  }

  /**
   * A one-line summary as of the last step: candidates requested, evaluated, lost and given up (a
   * candidate given up on two targets counts twice), frontier size and hypervolume per target and
   * objective.
   */
  public String status() {
    return status;
  }

  /** The counts of {@link #status()}. */
  public Progress progress() {
    return progress;
  }
}
