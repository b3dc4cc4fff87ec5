package dev.hilnas.llm.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.llm.runtime.Decoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped backbone on its held-out text: it learned the language, and pruning behaves. */
class ShippedBackboneTest {

  private static final int BUDGET = 1024; // 4 windows: enough to rank prunings, fast enough for CI
  private static Backbone backbone;
  private static PerplexityEvaluator evaluator;

  @BeforeAll
  static void load() {
    backbone = Backbone.shipped();
    evaluator = new PerplexityEvaluator(backbone, Backbone.shippedHeldOut(), BUDGET, 2);
  }

  /** The backbone's own shape, for a test to prune one knob of. */
  private static Candidate.Builder likeTheBackbone() {
    return Candidate.builder()
        .layers(6)
        .dModel(256)
        .heads(8, 2)
        .headDim(32)
        .ffnDim(512)
        .vocabSize(256)
        .weightBits(32);
  }

  private static double perplexity(Candidate c) {
    return evaluator.evaluate(c).value();
  }

  @Test
  void theFullBackboneIsFarBelowAUnigramBaselineOnHeldOutText() {
    PerplexityEvaluator full = PerplexityEvaluator.shipped(2);
    double model = full.evaluate(backbone.architecture()).value();
    double unigram = full.unigramPerplexity();
    System.out.printf(
        Locale.ROOT,
        "backbone %.3f vs unigram %.3f per byte on %d held-out bytes%n",
        model,
        unigram,
        full.tokens());
    assertTrue(model < unigram / 3, "backbone " + model + ", unigram " + unigram);
    assertEquals(6, backbone.architecture().layerCount());
  }

  @Test
  void theEvaluatorScoresWhatTheRuntimeRuns() {
    Candidate c =
        likeTheBackbone()
            .layers(4)
            .heads(4, 1)
            .ffnDim(256)
            .attention("GLSG")
            .window(64)
            .weightBits(8)
            .build();
    try (Decoder decoder = new Decoder(Pruning.prune(backbone, c), 1)) {
      assertEquals(c, decoder.candidate());
    }
    assertEquals(
        perplexity(c),
        new PerplexityEvaluator(backbone, Backbone.shippedHeldOut(), BUDGET, 1).evaluate(c).value(),
        1e-9,
        "the same on any thread count");
  }

  /** Each step prunes more of one kind; perplexity may wobble by 2% but must not really improve. */
  private static void nearMonotone(String kind, int steps, IntFunction<Candidate> step) {
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      values.add(perplexity(step.apply(i)));
    }
    System.out.printf(
        Locale.ROOT,
        "%-12s %s%n",
        kind,
        values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList());
    for (int i = 1; i < values.size(); i++) {
      assertTrue(values.get(i) >= values.get(i - 1) * 0.98, kind + ": " + values);
    }
    assertTrue(
        values.get(values.size() - 1) > values.get(0),
        kind + " pruned hard must cost something: " + values);
  }

  @Test
  void morePruningOfTheSameKindNeverImprovesPerplexityMuch() {
    nearMonotone("ffn width", 4, i -> likeTheBackbone().ffnDim(512 - 128 * i).build());
    nearMonotone("layers", 4, i -> likeTheBackbone().layers(6 - i).build());
    nearMonotone(
        "heads",
        3,
        i -> likeTheBackbone().heads(new int[] {8, 4, 2}[i], new int[] {2, 2, 1}[i]).build());
    nearMonotone(
        "skip",
        4,
        i -> likeTheBackbone().attention("G" + "S".repeat(i) + "G".repeat(5 - i)).build());
    nearMonotone(
        "window",
        4,
        i -> likeTheBackbone().attention("GLLLLL").window(new int[] {256, 64, 16, 4}[i]).build());
    nearMonotone("bits", 3, i -> likeTheBackbone().weightBits(new int[] {16, 8, 4}[i]).build());
  }

  /**
   * Which two layers to drop: the deepest, the earliest, or the deepest but the last. Figures in
   * the README.
   */
  @Test
  void droppingDeepLayersHurtsLessThanDroppingEarlyOnes() {
    Candidate four = likeTheBackbone().layers(4).build();
    double deepest =
        evaluator.evaluate(four, Pruning.prune(backbone, four, new int[] {0, 1, 2, 3})).value();
    double earliest =
        evaluator.evaluate(four, Pruning.prune(backbone, four, new int[] {2, 3, 4, 5})).value();
    double keepLast =
        evaluator.evaluate(four, Pruning.prune(backbone, four, new int[] {0, 1, 2, 5})).value();
    System.out.printf(
        Locale.ROOT,
        "drop 2 deepest %.3f, 2 earliest %.3f, layers 3-4 (keep the last) %.3f%n",
        deepest,
        earliest,
        keepLast);
    assertTrue(deepest < earliest, "deepest " + deepest + " vs earliest " + earliest);
  }
}
