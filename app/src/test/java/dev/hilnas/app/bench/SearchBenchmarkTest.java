package dev.hilnas.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.SimulatedDevice;
import dev.hilnas.core.search.SearchSpace;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's machinery on cheap synthetic oracles; its figures come from real ones (README).
 */
class SearchBenchmarkTest {

  private static final Candidate BACKBONE =
      Candidate.builder()
          .layers(6)
          .dModel(256)
          .heads(8, 2)
          .headDim(32)
          .ffnDim(512)
          .vocabSize(256)
          .weightBits(32)
          .build();

  private static double perplexity(Candidate c) {
    double kept = c.parameterCount() / (double) BACKBONE.parameterCount();
    return 4 / Math.pow(kept, 0.7) * (c.weightBits() == 4 ? 1.2 : 1);
  }

  @Test
  void everySearchSpendsExactlyItsBudgetOnDistinctArchitecturesAndHypervolumeNeverFalls() {
    SearchSpace space = SearchSpace.of(BACKBONE, SearchSpace.Constraints.NONE, Limits.DEFAULTS);
    var oracle =
        new SearchBenchmark.Oracle(
            c -> SimulatedDevice.additive().latencyMs(c, Phase.PREFILL, 256),
            SearchBenchmarkTest::perplexity);
    var result = SearchBenchmark.run(space, oracle, 20, 24, 2, () -> {});
    assertEquals(
        Set.of("hilnas", "random", "nsga2"),
        new HashSet<>(result.curves().stream().map(SearchBenchmark.Curve::method).toList()));
    for (var curve : result.curves()) {
      assertEquals(2, curve.perSeed().size());
      for (double[] hv : curve.perSeed()) {
        assertEquals(24, hv.length, curve.method());
        for (int i = 1; i < hv.length; i++) {
          assertTrue(hv[i] >= hv[i - 1], curve.method() + " hypervolume fell");
        }
        assertTrue(
            hv[hv.length - 1] <= result.referenceHypervolume() + 1e-9,
            "no search beats the union of all");
      }
    }
    assertEquals(3, SearchBenchmark.measurementsTo(new double[] {0.1, 0.5, 0.99, 1}, 0.99));
    assertEquals(-1, SearchBenchmark.measurementsTo(new double[] {0.1, 0.5}, 0.99));
  }
}
