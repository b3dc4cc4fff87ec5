package dev.hilnas.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QualityPredictorTest {

  /** A made-up truth: perplexity 4 for the backbone, worse the more is pruned. */
  private static double truth(Candidate c) {
    double[] x = QualityPredictor.features(SearchSpaceTest.BACKBONE, c);
    return 4 * Math.exp(0.8 * x[0] + 0.4 * x[1] + 0.3 * x[2] + 0.2 * x[4] + 0.1 * x[6] + 0.05 * x[7]);
  }

  @Test
  void theBackboneHasNoPruningFeatures() {
    for (double f : QualityPredictor.features(SearchSpaceTest.BACKBONE, SearchSpaceTest.BACKBONE)) {
      assertEquals(0, f);
    }
  }

  @Test
  void learnsALogLinearTruthAndGrowsSureWithData() {
    SplittableRandom r = new SplittableRandom(2);
    List<QualityPredictor.Evaluated> seen = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Candidate c = SearchSpaceTest.SPACE.random(r);
      seen.add(new QualityPredictor.Evaluated(c, truth(c)));
    }
    QualityPredictor few = QualityPredictor.fit(SearchSpaceTest.BACKBONE, seen.subList(0, 2));
    QualityPredictor many = QualityPredictor.fit(SearchSpaceTest.BACKBONE, seen);
    Candidate fresh = SearchSpaceTest.SPACE.random(new SplittableRandom(99));
    assertEquals(truth(fresh), many.predict(fresh).perplexity(), 0.1 * truth(fresh));
    assertTrue(many.predict(fresh).logSigma() < few.predict(fresh).logSigma());
  }
}
