package dev.hilnas.llm.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Prunings;
import dev.hilnas.llm.runtime.Weights;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pruning mechanics on a tiny backbone trained here in a second; the shipped one is in
 * ShippedBackboneTest.
 */
class PruningTest {

  private static final TrainingConfig TINY =
      TrainingConfig.builder()
          .layers(4)
          .dModel(32)
          .heads(4, 2)
          .headDim(8)
          .ffnDim(48)
          .length(32)
          .batch(4)
          .steps(40)
          .warmupSteps(4)
          .learningRate(1e-2)
          .seed(3)
          .build();
  private static final String TEXT =
      "in the beginning was the word, and the word was with god.\n".repeat(100);
  private static Backbone backbone;
  private static PerplexityEvaluator evaluator;

  @BeforeAll
  static void train() {
    Corpus corpus = new Corpus(TEXT.getBytes(), TEXT.getBytes());
    backbone = BackboneTrainer.train(TINY, corpus, 2, 40, p -> {});
    evaluator = new PerplexityEvaluator(backbone, corpus.heldOut(), 256, 2);
  }

  /** The tiny backbone's own shape, for a test to prune one knob of. */
  private static Candidate.Builder likeTheBackbone() {
    return Candidate.builder()
        .layers(4)
        .dModel(32)
        .heads(4, 2)
        .headDim(8)
        .ffnDim(48)
        .vocabSize(256)
        .weightBits(32);
  }

  @Test
  void theUnprunedCandidateInheritsTheBackboneUnchanged() {
    Weights full = Pruning.prune(backbone, backbone.architecture());
    assertArrayEquals(backbone.weights().embedding(), full.embedding());
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(backbone.weights().layers().get(i).w2(), full.layers().get(i).w2());
      assertArrayEquals(backbone.weights().layers().get(i).wq(), full.layers().get(i).wq());
    }
  }

  @Test
  void narrowerFfnWidthsKeepNestedSetsOfNeurons() {
    float[] importance = backbone.importance().ffn().get(1);
    int[] wide = Pruning.top(importance, 32);
    int[] narrow = Pruning.top(importance, 16);
    assertTrue(Arrays.stream(narrow).allMatch(i -> Arrays.stream(wide).anyMatch(j -> j == i)));
    float weakestKept =
        (float) Arrays.stream(narrow).mapToDouble(i -> importance[i]).min().orElseThrow();
    assertTrue(
        IntStream.range(0, 48)
            .filter(i -> Arrays.stream(narrow).noneMatch(j -> j == i))
            .allMatch(i -> importance[i] <= weakestKept));
  }

  @Test
  void aLocalWindowAsLongAsTheContextEqualsGlobalAttention() {
    double global = evaluator.evaluate(likeTheBackbone().build()).value();
    assertEquals(
        global,
        evaluator.evaluate(likeTheBackbone().attention("GLGL").window(32).build()).value(),
        1e-4 * global);
    assertNotEquals(
        global, evaluator.evaluate(likeTheBackbone().attention("GLGL").window(2).build()).value());
  }

  @Test
  void skipLayersHeadPruningAndQuantisationAllRunAndChangeTheResult() {
    double full = evaluator.evaluate(backbone.architecture()).value();
    for (Candidate c :
        List.of(
            likeTheBackbone().attention("GSGS").build(),
            likeTheBackbone().heads(2, 1).build(),
            likeTheBackbone().weightBits(4).build(),
            likeTheBackbone().layers(3).ffnDim(24).weightBits(8).build())) {
      double value = evaluator.evaluate(c).value();
      assertTrue(
          Double.isFinite(value) && value > 1 && value != full,
          c.attentionPattern() + " → " + value);
    }
  }

  @Test
  void eightBitRoundingMovesEachWeightByAtMostHalfAStep() {
    float[] m = {0.5f, -1f, 0.25f, 0.3f, 0.01f, -0.2f};
    float[] q = Pruning.quantise(m, 3, 8); // 3 rows × 2 columns; column maxima 0.5 and 1
    for (int i = 0; i < m.length; i++) {
      float step = (i % 2 == 0 ? 0.5f : 1f) / 127;
      assertEquals(m[i], q[i], step / 2 + 1e-7);
    }
    assertEquals(m, Pruning.quantise(m, 3, 16));
  }

  @Test
  void aCandidateThatIsNotAPruningIsRejectedWithTheReason() {
    Candidate widerFfn = likeTheBackbone().ffnDim(64).weightBits(16).build();
    var e = assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(widerFfn));
    assertTrue(e.getMessage().contains("ffnDim 64 exceeds the backbone's 48"), e.getMessage());
    assertTrue(
        Pruning.incompatibility(backbone, likeTheBackbone().layers(5).weightBits(16).build())
            .contains("5 layers"));
    Candidate wider = likeTheBackbone().layers(2).dModel(64).headDim(16).weightBits(16).build();
    assertTrue(Pruning.incompatibility(backbone, wider).contains("dModel"));
  }

  @Test
  void theBackboneSurvivesWritingAndReading() throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    backbone.write(bytes);
    Backbone read = Backbone.read(new java.io.ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(backbone.architecture(), read.architecture());
    assertArrayEquals(backbone.importance().heads().get(2), read.importance().heads().get(2));
    assertEquals(
        evaluator.evaluate(backbone.architecture()),
        new PerplexityEvaluator(read, TEXT.getBytes(), 256, 1).evaluate(read.architecture()));
  }

  @Test
  void aCandidateThatNamesItsSourceLayersInheritsFromThose() {
    Candidate unsaid = likeTheBackbone().layers(2).build();
    assertArrayEquals(new int[] {0, 3}, Prunings.keptLayers(unsaid, 4));
    Candidate firstTwo = unsaid.withSourceLayers(java.util.List.of(0, 1));
    assertArrayEquals(new int[] {0, 1}, Prunings.keptLayers(firstTwo, 4));
    assertNotEquals(evaluator.evaluate(unsaid).value(), evaluator.evaluate(firstTwo).value());
    assertEquals(
        evaluator.evaluate(unsaid).value(),
        evaluator.evaluate(unsaid.withSourceLayers(java.util.List.of(0, 3))).value());
    assertEquals(
        "sourceLayers [0, 4] name a layer the backbone's 4 do not have",
        Pruning.incompatibility(backbone, unsaid.withSourceLayers(java.util.List.of(0, 4))));
  }
}
