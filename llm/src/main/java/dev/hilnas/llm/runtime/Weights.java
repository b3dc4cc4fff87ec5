package dev.hilnas.llm.runtime;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The parameters of a candidate, fp32, in the layout the {@link Decoder} runs: matrices row-major
 * in×out, the embedding vocab×d and tied to the LM head. Random for timing (latency does not depend
 * on the values), trained for the backbone, pruned from it for candidates.
 */
public record Weights(
    Candidate candidate, float[] embedding, float[] finalNorm, List<Layer> layers) {

  public Weights {
    layers = List.copyOf(layers);
    if (layers.size() != candidate.layerCount()) {
      throw new IllegalArgumentException(
          candidate.layerCount() + " layers in the candidate, " + layers.size() + " given");
    }
  }

  /** One layer; the attention arrays are null for a SKIP layer. */
  public record Layer(
      AttentionKind kind,
      int heads,
      int kvHeads,
      int ffn,
      float[] attnNorm,
      float[] wq,
      float[] wk,
      float[] wv,
      float[] wo,
      float[] ffnNorm,
      float[] w1,
      float[] w3,
      float[] w2) {}

  /** Seeded uniform weights scaled by 1/sqrt(fan-in), unit norms. */
  public static Weights random(Candidate candidate, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int d = candidate.dModel();
    int hd = candidate.headDim();
    float[] embedding = random(random, candidate.vocabSize() * d, 1);
    Layer[] layers = new Layer[candidate.layerCount()];
    for (int i = 0; i < layers.length; i++) {
      LayerSpec l = candidate.layers().get(i);
      int q = l.nHeads() * hd;
      int kv = l.nKvHeads() * hd;
      boolean attends = l.hasAttention();
      layers[i] =
          new Layer(
              l.attention(),
              l.nHeads(),
              l.nKvHeads(),
              l.ffnDim(),
              attends ? ones(d) : null,
              attends ? random(random, d * q, d) : null,
              attends ? random(random, d * kv, d) : null,
              attends ? random(random, d * kv, d) : null,
              attends ? random(random, q * d, q) : null,
              ones(d),
              random(random, d * l.ffnDim(), d),
              random(random, d * l.ffnDim(), d),
              random(random, l.ffnDim() * d, l.ffnDim()));
    }
    return new Weights(candidate, embedding, ones(d), List.of(layers));
  }

  private static float[] random(SplittableRandom random, int n, int fanIn) {
    float[] w = new float[n];
    double scale = 1 / Math.sqrt(fanIn);
    for (int i = 0; i < n; i++) {
      w[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return w;
  }

  /** A norm's unit gains. */
  public static float[] ones(int n) {
    float[] w = new float[n];
    Arrays.fill(w, 1f);
    return w;
  }
}
