package dev.hilnas.llm.quality;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Prunings;
import dev.hilnas.llm.runtime.Weights;
import dev.hilnas.llm.runtime.Weights.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A candidate as a pruning of the backbone, with inherited weights. Per layer it keeps the most
 * important FFN neurons (so narrower widths are nested prefixes of wider ones, MatFormer-style),
 * the most important KV groups and, in each, the most important query heads, by the backbone's
 * {@link Importance}. A LOCAL layer keeps its weights and attends over the window; a SKIP layer
 * drops its attention. 8- and 4-bit candidates get their matrices rounded to that many bits,
 * symmetric per output column (per row for the embedding); 16 and 32 bits keep fp32.
 */
public final class Pruning {

  private Pruning() {}

  /** Why a candidate is not a pruning of this backbone, or null when it is one. */
  public static String incompatibility(Backbone backbone, Candidate c) {
    return Prunings.incompatibility(backbone.architecture(), c);
  }

  public static Weights prune(Backbone backbone, Candidate c) {
    String why = incompatibility(backbone, c);
    if (why != null) {
      throw new IllegalArgumentException("not a pruning of the backbone: " + why);
    }
    return prune(backbone, c, Prunings.keptLayers(c, backbone.architecture().layerCount()));
  }

  /** With the backbone layers to keep given explicitly, one per candidate layer. */
  public static Weights prune(Backbone backbone, Candidate c, int[] sourceLayers) {
    Weights w = backbone.weights();
    int d = c.dModel();
    int hd = c.headDim();
    int bits = c.weightBits();
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < c.layerCount(); i++) {
      LayerSpec spec = c.layers().get(i);
      Layer src = w.layers().get(sourceLayers[i]);
      int[] neurons = top(backbone.importance().ffn().get(sourceLayers[i]), spec.ffnDim());
      float[] w1 = quantise(columns(src.w1(), d, src.ffn(), neurons, 1), d, bits);
      float[] w3 = quantise(columns(src.w3(), d, src.ffn(), neurons, 1), d, bits);
      float[] w2 = quantise(rows(src.w2(), d, neurons, 1), neurons.length, bits);
      if (!spec.hasAttention()) {
        layers.add(
            new Layer(
                AttentionKind.SKIP,
                0,
                0,
                spec.ffnDim(),
                null,
                null,
                null,
                null,
                null,
                src.ffnNorm().clone(),
                w1,
                w3,
                w2));
        continue;
      }
      float[] headImportance = backbone.importance().heads().get(sourceLayers[i]);
      int group = src.heads() / src.kvHeads();
      float[] groupImportance = new float[src.kvHeads()];
      for (int h = 0; h < src.heads(); h++) {
        groupImportance[h / group] += headImportance[h];
      }
      int[] kvKept = top(groupImportance, spec.nKvHeads());
      int perGroup = spec.nHeads() / spec.nKvHeads();
      int[] queryKept =
          Arrays.stream(kvKept)
              .flatMap(
                  g ->
                      Arrays.stream(
                              top(
                                  Arrays.copyOfRange(headImportance, g * group, (g + 1) * group),
                                  perGroup))
                          .map(h -> g * group + h))
              .toArray();
      layers.add(
          new Layer(
              spec.attention(),
              spec.nHeads(),
              spec.nKvHeads(),
              spec.ffnDim(),
              src.attnNorm().clone(),
              quantise(columns(src.wq(), d, src.heads() * hd, queryKept, hd), d, bits),
              quantise(columns(src.wk(), d, src.kvHeads() * hd, kvKept, hd), d, bits),
              quantise(columns(src.wv(), d, src.kvHeads() * hd, kvKept, hd), d, bits),
              quantise(rows(src.wo(), d, queryKept, hd), queryKept.length * hd, bits),
              src.ffnNorm().clone(),
              w1,
              w3,
              w2));
    }
    float[] embedding =
        bits >= 16 ? w.embedding().clone() : quantiseRows(w.embedding(), c.vocabSize(), d, bits);
    return new Weights(c, embedding, w.finalNorm().clone(), layers);
  }

  /** Indices of the k largest scores, in ascending index order. */
  static int[] top(float[] scores, int k) {
    return IntStream.range(0, scores.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .sorted()
        .toArray();
  }

  /** The kept blocks of {@code block} columns of a rows×cols row-major matrix. */
  private static float[] columns(float[] m, int rows, int cols, int[] blocks, int block) {
    int width = blocks.length * block;
    float[] out = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      for (int b = 0; b < blocks.length; b++) {
        System.arraycopy(m, r * cols + blocks[b] * block, out, r * width + b * block, block);
      }
    }
    return out;
  }

  /** The kept blocks of {@code block} rows of a row-major matrix with {@code cols} columns. */
  private static float[] rows(float[] m, int cols, int[] blocks, int block) {
    float[] out = new float[blocks.length * block * cols];
    for (int b = 0; b < blocks.length; b++) {
      System.arraycopy(m, blocks[b] * block * cols, out, b * block * cols, block * cols);
    }
    return out;
  }

  /** Symmetric round-to-nearest per output column of a rows×cols matrix; unchanged at 16+ bits. */
  static float[] quantise(float[] m, int rows, int bits) {
    if (bits >= 16) {
      return m;
    }
    int cols = m.length / rows;
    int levels = (1 << (bits - 1)) - 1;
    float[] out = new float[m.length];
    for (int c = 0; c < cols; c++) {
      float max = 0;
      for (int r = 0; r < rows; r++) {
        max = Math.max(max, Math.abs(m[r * cols + c]));
      }
      float step = max == 0 ? 1 : max / levels;
      for (int r = 0; r < rows; r++) {
        out[r * cols + c] = Math.round(m[r * cols + c] / step) * step;
      }
    }
    return out;
  }

  private static float[] quantiseRows(float[] m, int rows, int cols, int bits) {
    return Gemm.transpose(quantise(Gemm.transpose(m, rows, cols), cols, bits), cols, rows);
  }
}
