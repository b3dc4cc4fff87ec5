package dev.hilnas.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.SimulatedDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The loop with a strategy that proposes what it is asked for and remembers the asking; times are
 * ms on a fake clock.
 */
class SearchLoopTest {

  private static final Objective PREFILL = new Objective(Phase.PREFILL, 256);
  private static final long MINUTE = 60_000;

  /** Random prunings, as many as asked; remembers each ask. */
  private static final class Recording implements SearchStrategy {
    final List<Integer> counts = new ArrayList<>();
    final List<Set<String>> excluded = new ArrayList<>();
    private final RandomStrategy random = new RandomStrategy(SearchSpaceTest.SPACE);

    @Override
    public List<Proposal> propose(
        TargetView view, Set<String> excluded, int count, SplittableRandom r) {
      counts.add(count);
      this.excluded.add(excluded);
      return random.propose(view, excluded, count, r);
    }
  }

  private final Recording strategy = new Recording();

  /**
   * Target "t" with 2 agents × 3 in flight; others get 1 agent; requests are lost after 10 minutes.
   */
  private final SearchLoop loop =
      new SearchLoop(
          strategy,
          new SearchLoop.Settings(
              Map.of("t", 2), 1, 3, Duration.ofMinutes(10), Map.of(), List.of(PREFILL)),
          1);

  private void measured(String target, List<Proposal> proposals) {
    List<SearchBook.Point> points = new ArrayList<>();
    for (Proposal p : proposals) {
      points.add(
          new SearchBook.Point(
              p.candidate(), 1 + points.size(), LatencySource.MEASURED, 10 - points.size()));
    }
    loop.frontier(target, PREFILL, points, new ReferencePoint(20, 20));
  }

  @Test
  void shouldFillEveryAgentsInFlightRequestsOnAFreshTarget() {
    List<Proposal> first = loop.step(0);
    assertEquals(6, first.size(), "2 agents × 3 in flight");
    assertTrue(first.stream().allMatch(p -> p.targetId().equals("t")));
    assertEquals(List.of(6), strategy.counts);
  }

  @Test
  void shouldProposeNothingWhileEveryRequestIsPending() {
    loop.step(0);
    assertEquals(List.of(), loop.step(MINUTE));
    assertEquals(List.of(6), strategy.counts, "not even asked");
  }

  @Test
  void shouldProposeAgainAsRequestsAreMeasured() {
    List<Proposal> first = loop.step(0);
    measured("t", first.subList(0, 2));
    assertEquals(2, loop.step(MINUTE).size());
    assertEquals(List.of(6, 2), strategy.counts);
    assertTrue(
        strategy
            .excluded
            .get(1)
            .containsAll(first.stream().map(p -> p.candidate().archId()).toList()),
        "pending and measured alike are never proposed again");
  }

  @Test
  void shouldCountARequestLostWhenItTimesOutPending() {
    List<Proposal> first = loop.step(0);
    assertEquals(List.of(), loop.step(10 * MINUTE - 1));
    List<Proposal> second = loop.step(10 * MINUTE);
    assertEquals(6, second.size(), "the 6 lost no longer hold capacity");
    assertTrue(
        strategy
            .excluded
            .get(1)
            .containsAll(first.stream().map(p -> p.candidate().archId()).toList()),
        "nor are they proposed again");
    assertTrue(
        loop.status().startsWith("requested 12 candidates, 0 evaluated, 6 lost to the timeout;"),
        loop.status());
  }

  @Test
  void shouldCountRestoredRequestsPendingAndNeverProposeThemAgain() {
    Candidate restored = SearchSpaceTest.SPACE.random(new SplittableRandom(1));
    loop.requested(restored, List.of("t"), 0);
    assertEquals(5, loop.step(MINUTE).size(), "6 - 1 pending");
    assertTrue(strategy.excluded.get(0).contains(restored.archId()));
    assertEquals(6, loop.requestedCount());
  }

  @Test
  void shouldGiveATargetKnownOnlyFromItsModelTheDefaultAgents() {
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    Candidate b = SearchSpaceTest.BACKBONE;
    trainer.add(b, Phase.PREFILL, 256, SimulatedDevice.additive().latencyMs(b, Phase.PREFILL, 256));
    loop.model("u", trainer.fit().orElseThrow());
    List<Proposal> proposals = loop.step(0);
    assertEquals(6 + 3, proposals.size(), "t: 2 × 3, u: 1 × 3");
    assertEquals(3, proposals.stream().filter(p -> p.targetId().equals("u")).count());
  }

  @Test
  void shouldSayWhatWasRequestedEvaluatedAndWhereEachFrontierStands() {
    measured("t", loop.step(0).subList(0, 2));
    loop.step(MINUTE);
    // the frontier: (1 ms, 10) and (2 ms, 9) in a 20 × 20 box: 1 × 10 + 18 × 11 = 208
    assertEquals(
        "requested 8 candidates, 2 evaluated, 0 lost to the timeout; t PREFILL@256: 2 on frontier, hypervolume 208.0;",
        loop.status());
  }
}
