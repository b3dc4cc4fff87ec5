package dev.hilnas.llm.quality;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.llm.runtime.Weights;
import dev.hilnas.llm.runtime.Weights.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Forward and backward pass of the backbone over a batch of sequences, by hand: the same model the
 * {@link dev.hilnas.llm.runtime.Decoder} runs (RMSNorm, rotary GQA causal attention, SwiGLU, tied
 * LM head), with every activation the backward pass needs kept from the forward pass. Training only
 * uses GLOBAL layers; the backbone is pruned to LOCAL or SKIP afterwards.
 *
 * <p>Not thread-safe: one instance per training loop.
 */
final class Backprop implements AutoCloseable {

  private static final double EPS = 1e-6;

  final Weights weights;
  final Weights gradients;
  private final int d;
  private final int hd;
  private final int vocab;
  private final int batch;
  private final int length;
  private final int n;
  private final float[] cos;
  private final float[] sin;
  private final Gemm gemm;
  private final Activations[] acts;
  private final float[] xOut;
  private final float[] rOut;
  private final float[] hOut;
  private final float[] probs;

  /** What one layer's forward pass leaves for its backward pass. */
  private static final class Activations {
    float[] xIn, r1, h1, q, k, v, p, o, xMid, r2, h2, a, b, g;
  }

  Backprop(Weights weights, int batch, int length, int threads) {
    this.weights = weights;
    this.gradients = zerosLike(weights);
    this.d = weights.candidate().dModel();
    this.hd = weights.candidate().headDim();
    this.vocab = weights.candidate().vocabSize();
    this.batch = batch;
    this.length = length;
    this.n = batch * length;
    this.gemm = new Gemm(threads);
    int half = hd / 2;
    cos = new float[length * half];
    sin = new float[length * half];
    for (int pos = 0; pos < length; pos++) {
      for (int e = 0; e < half; e++) {
        double angle = pos / Math.pow(dev.hilnas.llm.runtime.Decoder.ROPE_BASE, 2.0 * e / hd);
        cos[pos * half + e] = (float) Math.cos(angle);
        sin[pos * half + e] = (float) Math.sin(angle);
      }
    }
    acts = new Activations[weights.layers().size()];
    for (int i = 0; i < acts.length; i++) {
      Layer l = weights.layers().get(i);
      if (l.kind() != AttentionKind.GLOBAL) {
        throw new IllegalArgumentException(
            "training runs GLOBAL layers only; layer " + i + " is " + l.kind());
      }
      Activations a = new Activations();
      a.xIn = new float[n * d];
      a.r1 = new float[n];
      a.h1 = new float[n * d];
      a.q = new float[n * l.heads() * hd];
      a.k = new float[n * l.kvHeads() * hd];
      a.v = new float[n * l.kvHeads() * hd];
      a.p = new float[batch * l.heads() * length * length];
      a.o = new float[n * l.heads() * hd];
      a.xMid = new float[n * d];
      a.r2 = new float[n];
      a.h2 = new float[n * d];
      a.a = new float[n * l.ffn()];
      a.b = new float[n * l.ffn()];
      a.g = new float[n * l.ffn()];
      acts[i] = a;
    }
    xOut = new float[n * d];
    rOut = new float[n];
    hOut = new float[n * d];
    probs = new float[n * vocab];
  }

  /** The parameter arrays, in a fixed order, and whether weight decay applies (not to norms). */
  static List<float[]> arrays(Weights w) {
    List<float[]> all = new ArrayList<>(List.of(w.embedding(), w.finalNorm()));
    for (Layer l : w.layers()) {
      all.addAll(
          List.of(
              l.attnNorm(), l.wq(), l.wk(), l.wv(), l.wo(), l.ffnNorm(), l.w1(), l.w3(), l.w2()));
    }
    return all;
  }

  static boolean[] decays(Weights w) {
    List<float[]> all = arrays(w);
    boolean[] decay = new boolean[all.size()];
    for (int i = 0; i < decay.length; i++) {
      decay[i] = all.get(i).length != w.candidate().dModel(); // norms are the d-long vectors
    }
    return decay;
  }

  /** Per layer, the batch's SwiGLU outputs (n×ffn) and attention outputs (n×heads·hd). */
  float[] ffnActivations(int layer) {
    return acts[layer].g;
  }

  float[] attentionOutputs(int layer) {
    return acts[layer].o;
  }

  /**
   * Mean cross-entropy (nats per token) of predicting {@code tokens[s][i+1]} from the prefix, for
   * batch sequences of length+1 tokens; with {@code backward}, the gradients are set (not added).
   */
  double step(int[][] tokens, boolean backward) {
    int[] inputs = new int[n];
    int[] targets = new int[n];
    for (int s = 0; s < batch; s++) {
      for (int i = 0; i < length; i++) {
        inputs[s * length + i] = tokens[s][i];
        targets[s * length + i] = tokens[s][i + 1];
      }
    }
    double loss = forward(inputs, targets);
    if (backward) {
      backward(inputs, targets);
    }
    return loss;
  }

  private double forward(int[] inputs, int[] targets) {
    float[] x = new float[n * d];
    for (int t = 0; t < n; t++) {
      System.arraycopy(weights.embedding(), inputs[t] * d, x, t * d, d);
    }
    for (int li = 0; li < acts.length; li++) {
      Layer l = weights.layers().get(li);
      Activations a = acts[li];
      System.arraycopy(x, 0, a.xIn, 0, x.length);
      rmsNorm(x, l.attnNorm(), a.r1, a.h1);
      int qd = l.heads() * hd;
      int kvd = l.kvHeads() * hd;
      gemm.mul(a.h1, n, d, l.wq(), qd, a.q, false);
      gemm.mul(a.h1, n, d, l.wk(), kvd, a.k, false);
      gemm.mul(a.h1, n, d, l.wv(), kvd, a.v, false);
      rope(a.q, l.heads(), false);
      rope(a.k, l.kvHeads(), false);
      attention(l, a);
      gemm.mul(a.o, n, qd, l.wo(), d, x, true);
      System.arraycopy(x, 0, a.xMid, 0, x.length);
      rmsNorm(x, l.ffnNorm(), a.r2, a.h2);
      gemm.mul(a.h2, n, d, l.w1(), l.ffn(), a.a, false);
      gemm.mul(a.h2, n, d, l.w3(), l.ffn(), a.b, false);
      for (int i = 0; i < a.g.length; i++) {
        float z = a.a[i];
        a.g[i] = z / (1 + (float) Math.exp(-z)) * a.b[i];
      }
      gemm.mul(a.g, n, l.ffn(), l.w2(), d, x, true);
    }
    System.arraycopy(x, 0, xOut, 0, x.length);
    rmsNorm(x, weights.finalNorm(), rOut, hOut);
    gemm.mul(hOut, n, d, Gemm.transpose(weights.embedding(), vocab, d), vocab, probs, false);
    double[] losses = new double[n];
    gemm.parallel(
        n,
        t -> {
          int off = t * vocab;
          float max = Float.NEGATIVE_INFINITY;
          for (int v = 0; v < vocab; v++) {
            max = Math.max(max, probs[off + v]);
          }
          double sum = 0;
          for (int v = 0; v < vocab; v++) {
            float e = (float) Math.exp(probs[off + v] - max);
            probs[off + v] = e;
            sum += e;
          }
          for (int v = 0; v < vocab; v++) {
            probs[off + v] /= sum;
          }
          losses[t] = -Math.log(Math.max(probs[off + targets[t]], 1e-30));
        });
    return Arrays.stream(losses).sum() / n;
  }

  private void backward(int[] inputs, int[] targets) {
    for (float[] g : arrays(gradients)) {
      Arrays.fill(g, 0f);
    }
    float[] dLogits = probs; // softmax − one-hot, over n: reuses the probabilities in place
    for (int t = 0; t < n; t++) {
      dLogits[t * vocab + targets[t]] -= 1;
    }
    float scale = 1f / n;
    for (int i = 0; i < dLogits.length; i++) {
      dLogits[i] *= scale;
    }
    gemm.mulTransposedA(dLogits, n, vocab, hOut, d, gradients.embedding());
    float[] dh = new float[n * d];
    gemm.mul(dLogits, n, vocab, weights.embedding(), d, dh, false);
    float[] dx = new float[n * d];
    rmsNormBackward(xOut, rOut, weights.finalNorm(), dh, dx, gradients.finalNorm());
    for (int li = acts.length - 1; li >= 0; li--) {
      Layer l = weights.layers().get(li);
      Layer gl = gradients.layers().get(li);
      Activations a = acts[li];
      int f = l.ffn();
      // FFN: x += (silu(a) * b) · W2
      gemm.mulTransposedA(a.g, n, f, dx, d, gl.w2());
      float[] dg = new float[n * f];
      gemm.mulTransposedB(dx, n, d, l.w2(), f, dg, false);
      float[] da = new float[n * f];
      float[] db = new float[n * f];
      for (int i = 0; i < dg.length; i++) {
        float z = a.a[i];
        float sig = 1 / (1 + (float) Math.exp(-z));
        db[i] = dg[i] * z * sig;
        da[i] = dg[i] * a.b[i] * sig * (1 + z * (1 - sig));
      }
      gemm.mulTransposedA(a.h2, n, d, da, f, gl.w1());
      gemm.mulTransposedA(a.h2, n, d, db, f, gl.w3());
      gemm.mulTransposedB(da, n, f, l.w1(), d, dh, false);
      gemm.mulTransposedB(db, n, f, l.w3(), d, dh, true);
      rmsNormBackward(a.xMid, a.r2, l.ffnNorm(), dh, dx, gl.ffnNorm());
      // attention: x += attend(q, k, v) · Wo
      int qd = l.heads() * hd;
      int kvd = l.kvHeads() * hd;
      gemm.mulTransposedA(a.o, n, qd, dx, d, gl.wo());
      float[] dO = new float[n * qd];
      gemm.mulTransposedB(dx, n, d, l.wo(), qd, dO, false);
      float[] dq = new float[n * qd];
      float[] dk = new float[n * kvd];
      float[] dv = new float[n * kvd];
      attentionBackward(l, a, dO, dq, dk, dv);
      rope(dq, l.heads(), true);
      rope(dk, l.kvHeads(), true);
      gemm.mulTransposedA(a.h1, n, d, dq, qd, gl.wq());
      gemm.mulTransposedA(a.h1, n, d, dk, kvd, gl.wk());
      gemm.mulTransposedA(a.h1, n, d, dv, kvd, gl.wv());
      gemm.mulTransposedB(dq, n, qd, l.wq(), d, dh, false);
      gemm.mulTransposedB(dk, n, kvd, l.wk(), d, dh, true);
      gemm.mulTransposedB(dv, n, kvd, l.wv(), d, dh, true);
      rmsNormBackward(a.xIn, a.r1, l.attnNorm(), dh, dx, gl.attnNorm());
    }
    float[] dE = gradients.embedding();
    for (int t = 0; t < n; t++) {
      int row = inputs[t] * d;
      for (int e = 0; e < d; e++) {
        dE[row + e] += dx[t * d + e];
      }
    }
  }

  /** Causal softmax attention per (sequence, head); keeps the probabilities. */
  private void attention(Layer l, Activations a) {
    int heads = l.heads();
    int qd = heads * hd;
    int kvd = l.kvHeads() * hd;
    int group = heads / l.kvHeads();
    float scale = (float) (1 / Math.sqrt(hd));
    gemm.parallel(
        batch * heads,
        job -> {
          int s = job / heads;
          int head = job % heads;
          int kvHead = head / group;
          int pOff = job * length * length;
          for (int i = 0; i < length; i++) {
            int qOff = (s * length + i) * qd + head * hd;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) {
              int kOff = (s * length + j) * kvd + kvHead * hd;
              float dot = 0;
              for (int e = 0; e < hd; e++) {
                dot += a.q[qOff + e] * a.k[kOff + e];
              }
              a.p[pOff + i * length + j] = dot * scale;
              max = Math.max(max, dot * scale);
            }
            float sum = 0;
            for (int j = 0; j <= i; j++) {
              float e = (float) Math.exp(a.p[pOff + i * length + j] - max);
              a.p[pOff + i * length + j] = e;
              sum += e;
            }
            Arrays.fill(a.o, qOff, qOff + hd, 0f);
            for (int j = 0; j <= i; j++) {
              float w = a.p[pOff + i * length + j] / sum;
              a.p[pOff + i * length + j] = w;
              int vOff = (s * length + j) * kvd + kvHead * hd;
              for (int e = 0; e < hd; e++) {
                a.o[qOff + e] += w * a.v[vOff + e];
              }
            }
          }
        });
  }

  /** Per (sequence, kv head) so that the key and value gradients of a group have one writer. */
  private void attentionBackward(
      Layer l, Activations a, float[] dO, float[] dq, float[] dk, float[] dv) {
    int heads = l.heads();
    int kvHeads = l.kvHeads();
    int qd = heads * hd;
    int kvd = kvHeads * hd;
    int group = heads / kvHeads;
    float scale = (float) (1 / Math.sqrt(hd));
    gemm.parallel(
        batch * kvHeads,
        job -> {
          int s = job / kvHeads;
          int kvHead = job % kvHeads;
          float[] dS = new float[length];
          for (int head = kvHead * group; head < (kvHead + 1) * group; head++) {
            int pOff = (s * heads + head) * length * length;
            for (int i = 0; i < length; i++) {
              int qOff = (s * length + i) * qd + head * hd;
              float rowDot = 0;
              for (int j = 0; j <= i; j++) {
                int vOff = (s * length + j) * kvd + kvHead * hd;
                float dp = 0;
                for (int e = 0; e < hd; e++) {
                  dp += dO[qOff + e] * a.v[vOff + e];
                }
                dS[j] = dp;
                rowDot += dp * a.p[pOff + i * length + j];
              }
              for (int j = 0; j <= i; j++) {
                float p = a.p[pOff + i * length + j];
                float ds = p * (dS[j] - rowDot) * scale;
                int kOff = (s * length + j) * kvd + kvHead * hd;
                for (int e = 0; e < hd; e++) {
                  dq[qOff + e] += ds * a.k[kOff + e];
                  dk[kOff + e] += ds * a.q[qOff + e];
                  dv[kOff + e] += p * dO[qOff + e];
                }
              }
            }
          }
        });
  }

  /**
   * Rotary embedding of every head, pairs (e, e + hd/2); {@code inverse} rotates back (backward).
   */
  private void rope(float[] m, int heads, boolean inverse) {
    int half = hd / 2;
    int width = heads * hd;
    for (int t = 0; t < n; t++) {
      int pos = t % length;
      for (int e = 0; e < half; e++) {
        float c = cos[pos * half + e];
        float sn = inverse ? -sin[pos * half + e] : sin[pos * half + e];
        for (int head = 0; head < heads; head++) {
          int i = t * width + head * hd + e;
          float x = m[i];
          float y = m[i + half];
          m[i] = x * c - y * sn;
          m[i + half] = x * sn + y * c;
        }
      }
    }
  }

  private void rmsNorm(float[] x, float[] g, float[] r, float[] y) {
    for (int t = 0; t < n; t++) {
      int off = t * d;
      double sum = 0;
      for (int i = 0; i < d; i++) {
        sum += x[off + i] * x[off + i];
      }
      r[t] = (float) (1 / Math.sqrt(sum / d + EPS));
      for (int i = 0; i < d; i++) {
        y[off + i] = x[off + i] * r[t] * g[i];
      }
    }
  }

  /** Adds the gradient through y = x·r·g to dx, and to dg. */
  private void rmsNormBackward(
      float[] x, float[] r, float[] g, float[] dy, float[] dx, float[] dg) {
    for (int t = 0; t < n; t++) {
      int off = t * d;
      double dot = 0;
      for (int i = 0; i < d; i++) {
        dot += dy[off + i] * g[i] * x[off + i];
        dg[i] += dy[off + i] * x[off + i] * r[t];
      }
      float c = (float) (dot / d) * r[t] * r[t] * r[t];
      for (int i = 0; i < d; i++) {
        dx[off + i] += r[t] * g[i] * dy[off + i] - x[off + i] * c;
      }
    }
  }

  private static Weights zerosLike(Weights w) {
    List<Layer> layers = new ArrayList<>();
    for (Layer l : w.layers()) {
      layers.add(
          new Layer(
              l.kind(),
              l.heads(),
              l.kvHeads(),
              l.ffn(),
              zeros(l.attnNorm()),
              zeros(l.wq()),
              zeros(l.wk()),
              zeros(l.wv()),
              zeros(l.wo()),
              zeros(l.ffnNorm()),
              zeros(l.w1()),
              zeros(l.w3()),
              zeros(l.w2())));
    }
    return new Weights(w.candidate(), zeros(w.embedding()), zeros(w.finalNorm()), layers);
  }

  private static float[] zeros(float[] like) {
    return like == null ? null : new float[like.length];
  }

  @Override
  public void close() {
    gemm.close();
  }
}
