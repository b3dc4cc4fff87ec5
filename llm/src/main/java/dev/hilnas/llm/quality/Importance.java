package dev.hilnas.llm.quality;

import dev.hilnas.llm.runtime.Weights;
import dev.hilnas.llm.runtime.Weights.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * What pruning keeps, measured once on a calibration slice of the training text: per layer, each
 * FFN neuron's mean |SiLU(gate)·up| times the norm of its row of W2 (its mean contribution to the
 * residual stream), and each query head's mean output norm times the norm of its rows of Wo.
 */
public record Importance(List<float[]> ffn, List<float[]> heads) {

  static Importance measure(Weights weights, int[][] calibration, int threads) {
    int length = calibration[0].length - 1;
    int hd = weights.candidate().headDim();
    int d = weights.candidate().dModel();
    List<float[]> ffn = new ArrayList<>();
    List<float[]> heads = new ArrayList<>();
    try (Backprop model = new Backprop(weights, calibration.length, length, threads)) {
      model.step(calibration, false);
      int n = calibration.length * length;
      for (int li = 0; li < weights.layers().size(); li++) {
        Layer l = weights.layers().get(li);
        float[] g = model.ffnActivations(li);
        float[] neuron = new float[l.ffn()];
        for (int j = 0; j < l.ffn(); j++) {
          double sum = 0;
          for (int t = 0; t < n; t++) {
            sum += Math.abs(g[t * l.ffn() + j]);
          }
          neuron[j] = (float) (sum / n * rowNorm(l.w2(), j, 1, d));
        }
        ffn.add(neuron);
        float[] o = model.attentionOutputs(li);
        int qd = l.heads() * hd;
        float[] head = new float[l.heads()];
        for (int h = 0; h < l.heads(); h++) {
          double sum = 0;
          for (int t = 0; t < n; t++) {
            double sq = 0;
            for (int e = 0; e < hd; e++) {
              float x = o[t * qd + h * hd + e];
              sq += x * x;
            }
            sum += Math.sqrt(sq);
          }
          head[h] = (float) (sum / n * rowNorm(l.wo(), h * hd, hd, d));
        }
        heads.add(head);
      }
    }
    return new Importance(ffn, heads);
  }

  /**
   * Frobenius norm of {@code rows} consecutive rows of a row-major matrix with {@code cols}
   * columns.
   */
  private static double rowNorm(float[] m, int from, int rows, int cols) {
    double sq = 0;
    for (int i = from * cols; i < (from + rows) * cols; i++) {
      sq += (double) m[i] * m[i];
    }
    return Math.sqrt(sq);
  }
}
