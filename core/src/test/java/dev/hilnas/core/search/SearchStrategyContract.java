package dev.hilnas.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.SimulatedDevice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SearchStrategy} promises, whether nothing is known or its own proposals have
 * been measured (then each strategy's informed path runs: hilnas scores with its models, NSGA-II
 * breeds); each strategy's test extends this. The space allows prunings of at most half the
 * backbone's parameters, so some of every strategy's draws are not allowed.
 */
abstract class SearchStrategyContract {

  static final SearchSpace SPACE =
      SearchSpace.of(
          SearchSpaceTest.BACKBONE,
          new SearchSpace.Constraints(SearchSpaceTest.BACKBONE.parameterCount() / 2, 0),
          Limits.DEFAULTS);
  static final Objective PREFILL = new Objective(Phase.PREFILL, 256);
  static final TargetView NOTHING_KNOWN =
      new TargetView("t", null, Map.of(), List.of(), Map.of(), List.of(PREFILL));
  private static final SimulatedDevice DEVICE = SimulatedDevice.additive();
  private static final ReferencePoint REFERENCE =
      new ReferencePoint(1.1 * DEVICE.latencyMs(SearchSpaceTest.BACKBONE, Phase.PREFILL, 256), 30);

  /** A fresh strategy over {@code space}. */
  abstract SearchStrategy strategy(SearchSpace space);

  /** A perplexity that grows with what a pruning removes. */
  static double perplexity(Candidate c) {
    double[] x = QualityPredictor.features(SearchSpaceTest.BACKBONE, c);
    return 4 * Math.exp(0.8 * x[0] + 0.4 * x[1] + 0.3 * x[2] + 0.2 * x[4]);
  }

  /**
   * What is known after the first {@code measurements} of the strategy's own proposals, four at a
   * time, were measured on the simulated device: a latency model and the frontier of all of them.
   */
  SearchBook measured(int measurements) {
    SearchStrategy strategy = strategy(SPACE);
    SplittableRandom random = new SplittableRandom(99);
    SearchBook book = new SearchBook();
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    List<SearchBook.Point> points = new ArrayList<>();
    while (points.size() < measurements) {
      List<Proposal> batch =
          strategy.propose(
              view(book), book.excluded("t"), Math.min(4, measurements - points.size()), random);
      for (Proposal p : batch) {
        Candidate c = p.candidate();
        double latency = DEVICE.latencyMs(c, Phase.PREFILL, 256);
        book.requested(c, List.of("t"), 0);
        trainer.add(c, Phase.PREFILL, 256, latency);
        points.add(new SearchBook.Point(c, latency, LatencySource.MEASURED, perplexity(c)));
      }
      book.model("t", trainer.fit().orElseThrow());
      book.frontier("t", PREFILL, points, REFERENCE);
    }
    return book;
  }

  static TargetView view(SearchBook book) {
    return book.view("t", List.of(PREFILL), Map.of());
  }

  @Test
  void shouldProposeAllowedPruningsWhenNothingIsKnown() {
    List<Proposal> picks =
        strategy(SPACE).propose(NOTHING_KNOWN, Set.of(), 4, new SplittableRandom(1));
    assertEquals(4, picks.size());
    for (Proposal p : picks) {
      assertTrue(SPACE.allows(p.candidate()), p.toString());
      assertEquals("t", p.targetId());
      assertFalse(p.reason().isBlank());
    }
  }

  @Test
  void shouldNeverProposeAnExcludedCandidate() {
    SearchBook book = measured(24);
    for (TargetView view : List.of(NOTHING_KNOWN, view(book))) {
      Set<String> excluded = new HashSet<>(book.excluded("t"));
      strategy(SPACE)
          .propose(view, excluded, 8, new SplittableRandom(2))
          .forEach(p -> excluded.add(p.candidate().archId()));
      // what the same seed proposed first is now excluded too
      for (Proposal p : strategy(SPACE).propose(view, excluded, 8, new SplittableRandom(2))) {
        assertFalse(excluded.contains(p.candidate().archId()), p.toString());
      }
    }
  }

  @Test
  void shouldNeverProposeTheSameCandidateTwiceInABatch() {
    SearchBook book = measured(24);
    for (TargetView view : List.of(NOTHING_KNOWN, view(book))) {
      List<Proposal> picks =
          strategy(SPACE).propose(view, book.excluded("t"), 16, new SplittableRandom(3));
      assertEquals(
          picks.size(), picks.stream().map(p -> p.candidate().archId()).distinct().count());
    }
  }

  @Test
  void shouldProposeAsManyAsAskedAndNothingForZero() {
    SearchBook book = measured(24);
    for (TargetView view : List.of(NOTHING_KNOWN, view(book))) {
      assertEquals(
          List.of(), strategy(SPACE).propose(view, book.excluded("t"), 0, new SplittableRandom(4)));
      assertEquals(
          3, strategy(SPACE).propose(view, book.excluded("t"), 3, new SplittableRandom(4)).size());
    }
  }

  @Test
  void shouldOnlyProposePruningsTheSpaceAllows() {
    SearchBook book = measured(24);
    for (Proposal p :
        strategy(SPACE).propose(view(book), book.excluded("t"), 16, new SplittableRandom(5))) {
      assertTrue(SPACE.allows(p.candidate()), p.toString());
    }
  }

  @Test
  void shouldProposeTheSameForTheSameSeed() {
    SearchBook book = measured(24);
    List<Proposal> first =
        strategy(SPACE).propose(view(book), book.excluded("t"), 6, new SplittableRandom(6));
    assertEquals(6, first.size());
    assertEquals(
        first, strategy(SPACE).propose(view(book), book.excluded("t"), 6, new SplittableRandom(6)));
    assertEquals(measured(24).evaluated(), book.evaluated(), "what it measured, too");
  }

  @Test
  void shouldProposeOnlyTheWeightPrecisionItIsKeptTo() {
    SearchBook book = measured(24); // 16, 8 and 4 bits: parents at the others are not bred from
    SearchStrategy atEight = strategy(SPACE).withWeightBits(8);
    for (TargetView view : List.of(NOTHING_KNOWN, view(book))) {
      List<Proposal> picks = atEight.propose(view, book.excluded("t"), 16, new SplittableRandom(7));
      assertEquals(16, picks.size());
      for (Proposal p : picks) {
        assertEquals(8, p.candidate().weightBits(), p.toString());
      }
    }
  }
}
