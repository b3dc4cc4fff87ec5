package dev.hilnas.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.TreeMap;
import java.util.TreeSet;
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

    @Override
    public SearchStrategy withWeightBits(int bits) {
      throw new UnsupportedOperationException("the targets of these tests name no precision");
    }
  }

  private final Recording strategy = new Recording();

  /**
   * Target "t" with 2 agents × 3 in flight; others get 1 agent; requests are lost after 10 minutes;
   * a candidate is tried 3 times per target.
   */
  private final SearchLoop loop =
      new SearchLoop(
          strategy,
          new SearchLoop.Settings(
              Map.of("t", 2), 1, 3, Duration.ofMinutes(10), 3, Map.of(), List.of(PREFILL)),
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
  void shouldAskAgentsToTimeTheObjectivesTheTargetsFrontiersTrack() {
    assertEquals(List.of(PREFILL), loop.objectives("t"), "before a frontier: the latency to learn");
    List<Proposal> first = loop.step(0);
    Objective decodeLong = new Objective(Phase.DECODE, 2048);
    measured("t", first.subList(0, 1));
    loop.frontier(
        "t",
        decodeLong,
        List.of(new SearchBook.Point(first.get(0).candidate(), 3, LatencySource.PREDICTED, 9)),
        new ReferencePoint(20, 20));
    assertEquals(List.of(PREFILL, decodeLong), loop.objectives("t"), "by phase, then context");
    assertEquals(List.of(PREFILL), loop.objectives("other"), "a target without frontiers");
  }

  @Test
  void shouldStopAskingForAnObjectiveWhoseFrontierTheJobNoLongerUpdates() {
    List<Proposal> first = loop.step(0);
    Objective old = new Objective(Phase.DECODE, 2048);
    Objective kept = new Objective(Phase.DECODE, 512);
    List<SearchBook.Point> points =
        List.of(new SearchBook.Point(first.get(0).candidate(), 3, LatencySource.MEASURED, 9));
    loop.frontier("t", old, points, new ReferencePoint(20, 20), 0);
    loop.frontier("t", kept, points, new ReferencePoint(20, 20), 0);
    assertEquals(List.of(kept, old), loop.objectives("t"));

    // the stack now keeps DECODE@512 only: its frontier goes on changing, the other's stays behind
    long later = SearchLoop.STALE_FRONTIER.toMillis();
    loop.frontier("t", kept, points, new ReferencePoint(20, 20), later);
    assertEquals(List.of(kept, old), loop.objectives("t"), "not yet stale");
    loop.frontier("t", kept, points, new ReferencePoint(20, 20), later + 1);
    assertEquals(List.of(kept), loop.objectives("t"));
  }

  @Test
  void shouldKeepATargetToTheWeightBitsItsPrecisionNames() {
    SearchLoop loop =
        new SearchLoop(
            SearchStrategy.named("hilnas", SearchSpaceTest.SPACE),
            new SearchLoop.Settings(
                Map.of("cpu/java-cpu/fp32", 1, "phone/llama.cpp/q4_0", 1, "phone/executorch", 1),
                1,
                30,
                Duration.ofMinutes(10),
                3,
                Map.of(),
                List.of(PREFILL)),
            1);
    Map<String, Set<Integer>> bits = new TreeMap<>();
    for (Proposal p : loop.step(0)) {
      bits.computeIfAbsent(p.targetId(), t -> new TreeSet<>()).add(p.candidate().weightBits());
    }
    assertEquals(
        Map.of(
            "cpu/java-cpu/fp32", Set.of(32),
            "phone/llama.cpp/q4_0", Set.of(4),
            "phone/executorch", Set.of(4, 8, 16, 32)),
        bits,
        "a target without a precision: the space's bits and the backbone's");
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
        loop.status()
            .startsWith(
                "requested 12 candidates, 0 evaluated, 6 lost to the timeout, 0 given up after 3"
                    + " failures;"),
        loop.status());
    assertEquals(new SearchLoop.Progress(12, 0, 6, 0), loop.progress());
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
        "requested 8 candidates, 2 evaluated, 0 lost to the timeout, 0 given up after 3 failures;"
            + " t PREFILL@256: 2 on frontier, hypervolume 208.0;",
        loop.status());
    assertEquals(new SearchLoop.Progress(8, 2, 0, 0), loop.progress());
  }

  @Test
  void shouldRequestAFailedCandidateAgainBeforeProposingAnythingNew() {
    List<Proposal> first = loop.step(0);
    Candidate failing = first.get(2).candidate();
    loop.failed(failing, "t", "runner command exited with 3: no kernel");
    assertEquals(
        List.of(
            new Proposal(
                failing, "t", "attempt 2 of 3, after: runner command exited with 3: no kernel", 0)),
        loop.step(MINUTE),
        "the one free slot goes to the failed candidate");
    assertEquals(List.of(6), strategy.counts, "the strategy is not asked");
    assertEquals(List.of(), loop.step(2 * MINUTE), "the retry is pending like any request");
  }

  @Test
  void shouldGiveUpOnACandidateThatFailedMaxAttemptsTimesAndNeverProposeItAgain() {
    Candidate failing = loop.step(0).get(0).candidate();
    loop.failed(failing, "t", "timed out");
    assertEquals("attempt 2 of 3, after: timed out", loop.step(MINUTE).get(0).reason());
    loop.failed(failing, "t", "out of memory: Java heap space");
    assertEquals(
        "attempt 3 of 3, after: out of memory: Java heap space",
        loop.step(2 * MINUTE).get(0).reason());
    loop.failed(failing, "t", "timed out");

    List<Proposal> after = loop.step(3 * MINUTE);
    assertEquals(1, after.size(), "its slot is free for something new");
    assertEquals(List.of(6, 1), strategy.counts);
    assertTrue(strategy.excluded.get(1).contains(failing.archId()), "never proposed again");
    assertEquals(List.of(), loop.step(4 * MINUTE));
    assertEquals(
        "requested 7 candidates, 0 evaluated, 0 lost to the timeout, 1 given up after 3 failures;",
        loop.status());
    assertEquals(new SearchLoop.Progress(7, 0, 0, 1), loop.progress());
  }

  @Test
  void shouldCountFailuresPerTarget() {
    Candidate c = loop.step(0).get(0).candidate();
    loop.failed(c, "u", "no such device");
    assertEquals(List.of(), loop.step(MINUTE), "on t it is still pending");
    assertTrue(
        loop.status().startsWith("requested 6 candidates, 0 evaluated, 0 lost to the timeout, 0"),
        loop.status());
  }

  @Test
  void shouldNeitherRetryNorGiveUpACandidateMeasuredAfterAllDespiteItsFailures() {
    List<Proposal> first = loop.step(0);
    for (int i = 0; i < 3; i++) {
      loop.failed(first.get(0).candidate(), "t", "timed out");
    }
    measured("t", first.subList(0, 1));
    assertEquals(1, loop.step(MINUTE).size());
    assertEquals(List.of(6, 1), strategy.counts, "a new one from the strategy, not a retry");
    assertTrue(loop.status().contains(", 0 given up after 3 failures;"), loop.status());
  }

  @Test
  void shouldResumeRetriesFromRestoredRequestsAndFailuresInWhateverOrderTheyCome() {
    Candidate twice = SearchSpaceTest.SPACE.random(new SplittableRandom(1));
    Candidate thrice = SearchSpaceTest.SPACE.random(new SplittableRandom(2));
    loop.failed(twice, "t", "first");
    loop.requested(twice, List.of("t"), 0);
    loop.requested(twice, List.of("t"), 1);
    loop.failed(twice, "t", "second");
    for (int i = 0; i < 3; i++) {
      loop.requested(thrice, List.of("t"), i);
      loop.failed(thrice, "t", "again");
    }
    List<Proposal> proposals = loop.step(MINUTE);
    assertEquals(
        new Proposal(twice, "t", "attempt 3 of 3, after: second", 0),
        proposals.get(0),
        "the failure read last is the last failure");
    assertEquals(6, proposals.size(), "the retry and 5 new ones; the one given up takes no slot");
    assertTrue(strategy.excluded.get(0).containsAll(Set.of(twice.archId(), thrice.archId())));
    assertTrue(loop.status().contains(", 1 given up after 3 failures;"), loop.status());
  }

  @Test
  void shouldRefuseSettingsThatAllowNoAttempt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SearchLoop.Settings(
                    Map.of(), 1, 1, Duration.ofMinutes(1), 0, Map.of(), List.of()));
    assertEquals("maxAttempts must be >= 1, got 0", e.getMessage());
  }

  /** Target "t" with 1 agent × 3 in flight, frontier points measured 3 times. */
  private final SearchLoop confirming =
      new SearchLoop(
          strategy,
          new SearchLoop.Settings(
              Map.of("t", 1), 1, 3, Duration.ofMinutes(10), 3, Map.of(), List.of(PREFILL), 3),
          1);

  /** Two points measured: a fast one on the frontier, a slower and worse one it dominates. */
  private void frontierOf(Candidate fast, int fastRepeats, Candidate slow) {
    confirming.frontier(
        "t",
        PREFILL,
        List.of(
            new SearchBook.Point(fast, 1, LatencySource.MEASURED, 5, fastRepeats),
            new SearchBook.Point(slow, 2, LatencySource.MEASURED, 6, 1)),
        new ReferencePoint(20, 20));
  }

  @Test
  void shouldMeasureAFrontierPointAgainUntilItRestsOnTheConfirmations() {
    List<Proposal> first = confirming.step(0);
    Candidate fast = first.get(0).candidate();
    Candidate slow = first.get(1).candidate();
    frontierOf(fast, 1, slow);

    List<Proposal> second = confirming.step(MINUTE);
    assertEquals(
        new Proposal(fast, "t", "confirming a frontier point: measured fewer than 3 times", 0),
        second.get(0),
        "the frontier point first; the dominated one is not measured again");
    assertEquals(2, second.size(), "1 pending + the confirmation + 1 new fill the 3 slots");
    assertEquals(List.of(3, 1), strategy.counts);

    assertEquals(List.of(), confirming.step(2 * MINUTE), "the confirmation is pending");
    frontierOf(fast, 2, slow);
    assertEquals(
        List.of(fast),
        confirming.step(3 * MINUTE).stream().map(Proposal::candidate).toList(),
        "measured twice: once more");
    frontierOf(fast, 3, slow);
    assertTrue(
        confirming.step(4 * MINUTE).stream().noneMatch(p -> p.candidate().equals(fast)),
        "three times: confirmed");
  }

  @Test
  void shouldRequestAConfirmationAgainWhenItIsLost() {
    List<Proposal> first = confirming.step(0);
    frontierOf(first.get(0).candidate(), 1, first.get(1).candidate());
    assertEquals(first.get(0).candidate(), confirming.step(MINUTE).get(0).candidate());
    List<Proposal> later = confirming.step(11 * MINUTE);
    assertEquals(
        first.get(0).candidate(), later.get(0).candidate(), "no measurement within the timeout");
  }

  @Test
  void shouldCountAConfirmationUnderWayAgainstTheCapacityAfterItsPointLeftTheFrontier() {
    List<Proposal> first = confirming.step(0);
    Candidate fast = first.get(0).candidate();
    Candidate slow = first.get(1).candidate();
    Candidate measuredLast = first.get(2).candidate();
    frontierOf(fast, 1, slow);
    List<Proposal> second = confirming.step(MINUTE);
    assertEquals(fast, second.get(0).candidate(), "confirming the fast one");
    assertEquals(2, second.size(), "the third still pending: the confirmation and one new");

    // the third is measured: faster and better, it dominates both, and is not confirmed either
    confirming.frontier(
        "t",
        PREFILL,
        List.of(
            new SearchBook.Point(fast, 1, LatencySource.MEASURED, 5, 1),
            new SearchBook.Point(slow, 2, LatencySource.MEASURED, 6, 1),
            new SearchBook.Point(measuredLast, 0.5, LatencySource.MEASURED, 4, 1)),
        new ReferencePoint(20, 20));

    List<Proposal> next = confirming.step(2 * MINUTE);
    assertEquals(
        1,
        next.size(),
        "3 slots: the new one pending, and the fast one's confirmation, which still holds its"
            + " slot off the frontier");
    assertTrue(
        next.stream().noneMatch(p -> p.candidate().equals(measuredLast)),
        "the half for confirmations is taken: the last measured one's confirmation waits");
  }

  @Test
  void shouldGiveUpConfirmingAPointOnceMaxAttemptsRequestsWentUnanswered() {
    List<Proposal> first = confirming.step(0);
    Candidate fast = first.get(0).candidate();
    frontierOf(fast, 1, first.get(1).candidate());
    assertEquals(fast, confirming.step(MINUTE).get(0).candidate(), "confirming");
    assertEquals(fast, confirming.step(12 * MINUTE).get(0).candidate(), "lost: again");
    assertEquals(fast, confirming.step(23 * MINUTE).get(0).candidate(), "lost: again");
    assertTrue(
        confirming.step(34 * MINUTE).stream().noneMatch(p -> p.candidate().equals(fast)),
        "3 (maxAttempts) confirmations lost: given up");
  }

  @Test
  void shouldRefuseSettingsThatConfirmWithNoMeasurement() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SearchLoop.Settings(
                    Map.of(), 1, 1, Duration.ofMinutes(1), 1, Map.of(), List.of(), 0));
    assertEquals("confirmations must be 1..16, got 0", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SearchLoop.Settings(
                Map.of(), 1, 1, Duration.ofMinutes(1), 1, Map.of(), List.of(), 17),
        "a point's latency rests on its newest 16 measurements at most");
  }

  @Test
  void shouldGiveConfirmationsAtMostHalfTheCapacity() {
    SearchLoop loop =
        new SearchLoop(
            strategy,
            new SearchLoop.Settings(
                Map.of("t", 2), 1, 2, Duration.ofMinutes(10), 3, Map.of(), List.of(PREFILL), 3),
            1);
    List<Proposal> first = loop.step(0);
    List<SearchBook.Point> points = new ArrayList<>();
    for (Proposal p : first) { // 4 points, each better in quality and slower: all on the frontier
      points.add(
          new SearchBook.Point(
              p.candidate(), 1 + points.size(), LatencySource.MEASURED, 10 - points.size(), 1));
    }
    loop.frontier("t", PREFILL, points, new ReferencePoint(20, 20));
    List<Proposal> next = loop.step(MINUTE);
    assertEquals(4, next.size(), "2 agents × 2 in flight, all free");
    assertEquals(
        2,
        next.stream().filter(p -> p.reason().startsWith("confirming")).count(),
        "half of them confirm, the other half search on");
    assertEquals(List.of(4, 2), strategy.counts);
  }
}
