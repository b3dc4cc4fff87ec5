package dev.hilnas.llm.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.llm.runtime.Decoder;
import dev.hilnas.llm.runtime.Weights;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackpropTest {

  /** Tiny but with every feature: GQA (4 heads over 2), 2 layers, a vocabulary of 256 bytes. */
  private static final TrainingConfig TINY =
      TrainingConfig.builder()
          .layers(2)
          .dModel(16)
          .heads(4, 2)
          .headDim(4)
          .ffnDim(24)
          .length(6)
          .batch(2)
          .steps(10)
          .warmupSteps(2)
          .learningRate(1e-2)
          .seed(7)
          .build();

  private static int[][] batch(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] tokens = new int[TINY.batch()][TINY.length() + 1];
    for (int[] row : tokens) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextInt(256);
      }
    }
    return tokens;
  }

  /** Larger than the N(0, 0.02) start so that every path carries a visible gradient. */
  private static Weights weights() {
    Weights w = BackboneTrainer.initial(TINY);
    SplittableRandom random = new SplittableRandom(3);
    for (float[] a : Backprop.arrays(w)) {
      for (int i = 0; i < a.length; i++) {
        a[i] =
            a.length == TINY.dModel()
                ? 1 + (float) random.nextDouble(-0.3, 0.3)
                : (float) random.nextDouble(-0.5, 0.5);
      }
    }
    return w;
  }

  @Test
  void gradientsMatchCentralDifferencesOfTheLossForEveryParameterArray() {
    Weights w = weights();
    int[][] tokens = batch(11);
    try (Backprop model = new Backprop(w, TINY.batch(), TINY.length(), 2)) {
      model.step(tokens, true);
      List<float[]> params = Backprop.arrays(w);
      List<float[]> grads = Backprop.arrays(model.gradients);
      SplittableRandom pick = new SplittableRandom(5);
      for (int a = 0; a < params.size(); a++) {
        float[] p = params.get(a);
        for (int probe = 0; probe < 6; probe++) {
          int i = pick.nextInt(p.length);
          float saved = p[i];
          double h = 1e-2;
          p[i] = (float) (saved + h);
          double up = model.step(tokens, false);
          p[i] = (float) (saved - h);
          double down = model.step(tokens, false);
          p[i] = saved;
          double numeric = (up - down) / (2 * h);
          double analytic = grads.get(a)[i];
          assertEquals(
              numeric, analytic, 2e-4 + 0.03 * Math.abs(numeric), "array " + a + " index " + i);
        }
      }
    }
  }

  @Test
  void lossIsTheCrossEntropyOfTheRuntimeDecodersLogits() {
    Weights w = weights();
    int[][] tokens = batch(12);
    double expected = 0;
    try (Decoder decoder = new Decoder(w, 1)) {
      for (int[] sequence : tokens) {
        float[] logits =
            decoder.prefillAll(
                decoder.newSession(TINY.length()),
                java.util.Arrays.copyOf(sequence, TINY.length()));
        for (int i = 0; i < TINY.length(); i++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int v = 0; v < 256; v++) {
            max = Math.max(max, logits[i * 256 + v]);
          }
          double sum = 0;
          for (int v = 0; v < 256; v++) {
            sum += Math.exp(logits[i * 256 + v] - max);
          }
          expected += max + Math.log(sum) - logits[i * 256 + sequence[i + 1]];
        }
      }
    }
    expected /= TINY.batch() * TINY.length();
    try (Backprop model = new Backprop(w, TINY.batch(), TINY.length(), 1)) {
      assertEquals(expected, model.step(tokens, false), 1e-4);
    }
  }

  @Test
  void aFewStepsOfTrainingLowerTheLossOnARepeatedText() {
    String text = "the quick brown fox jumps over the lazy dog\n".repeat(200);
    Corpus corpus = new Corpus(text.getBytes(), text.getBytes());
    double[] first = {Double.NaN};
    double[] last = {Double.NaN};
    TrainingConfig config =
        TrainingConfig.builder()
            .layers(2)
            .dModel(16)
            .heads(4, 2)
            .headDim(4)
            .ffnDim(24)
            .length(16)
            .batch(4)
            .steps(60)
            .warmupSteps(5)
            .learningRate(1e-2)
            .seed(7)
            .build();
    BackboneTrainer.train(
        config,
        corpus,
        2,
        10,
        p -> {
          if (p.step() == 10) {
            first[0] = p.heldOutLoss();
          }
          last[0] = p.heldOutLoss();
        });
    assertTrue(last[0] < first[0] * 0.7, "held-out loss " + first[0] + " → " + last[0]);
  }
}
