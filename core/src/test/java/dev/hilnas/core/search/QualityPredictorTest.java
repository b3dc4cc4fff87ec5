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
    return 4
        * Math.exp(0.8 * x[0] + 0.4 * x[1] + 0.3 * x[2] + 0.2 * x[4] + 0.1 * x[6] + 0.05 * x[7]);
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

  @Test
  void learnsFromEachEvaluationWhatTheTrendMisses() {
    SplittableRandom r = new SplittableRandom(3);
    List<QualityPredictor.Evaluated> seen = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      Candidate c = SearchSpaceTest.SPACE.random(r);
      double heads = QualityPredictor.features(SearchSpaceTest.BACKBONE, c)[2];
      seen.add(
          new QualityPredictor.Evaluated(
              c, truth(c) * Math.exp(2 * heads * heads))); // not log-linear
    }
    QualityPredictor.Evaluated known = seen.remove(40);
    QualityPredictor.Prediction before =
        QualityPredictor.fit(SearchSpaceTest.BACKBONE, seen).predict(known.candidate());
    seen.add(known);
    QualityPredictor.Prediction after =
        QualityPredictor.fit(SearchSpaceTest.BACKBONE, seen).predict(known.candidate());
    assertEquals(known.perplexity(), after.perplexity(), 0.05 * known.perplexity());
    assertTrue(
        Math.abs(after.perplexity() - known.perplexity())
            < Math.abs(before.perplexity() - known.perplexity()));
  }

  @Test
  void tellsAnEarlySkipFromALateOne() {
    Candidate skipFirst =
        Candidate.builder()
            .layers(3)
            .dModel(256)
            .heads(8, 2)
            .headDim(32)
            .ffnDim(512)
            .vocabSize(256)
            .attention("SGG")
            .weightBits(32)
            .build();
    Candidate skipLast =
        Candidate.builder()
            .layers(3)
            .dModel(256)
            .heads(8, 2)
            .headDim(32)
            .ffnDim(512)
            .vocabSize(256)
            .attention("GGS")
            .weightBits(32)
            .build();
    double[] first = QualityPredictor.features(SearchSpaceTest.BACKBONE, skipFirst);
    double[] last = QualityPredictor.features(SearchSpaceTest.BACKBONE, skipLast);
    assertTrue(first[9] > last[9], "the early-SKIP feature");
    assertEquals(first[4], last[4], "the same share of SKIP layers");
  }
}
