package dev.hilnas.llm.runtime;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.llm.runtime.Weights.Layer;

/**
 * A candidate executed for real, in fp32 plain Java: token embedding, per-layer RMSNorm, rotary
 * attention with GQA — GLOBAL over the whole prefix, LOCAL over the last {@code window} keys only
 * (its cost shrinks with the window), SKIP layers with their FFN alone — a KV cache for decode,
 * SwiGLU FFN, final norm and the tied LM head (logits of the last token only, as runtimes do).
 *
 * <p>{@link Weights} are random (seeded) for timing, as latency does not depend on their values, or
 * pruned from the trained backbone for quality. Matrix products run on {@code threads} threads. Not
 * thread-safe; close it to stop its threads.
 */
public final class Decoder implements AutoCloseable {

  public static final double ROPE_BASE = 10_000;

  final Candidate candidate;
  final int d;
  final int hd;
  final int vocab;
  final float[] embedding; // vocab×d, also the LM head
  final float[] finalNorm;
  final Layer[] layers;
  private float[] lmHead; // built on the first prefillAll
  private final Kernels kernels;

  /** Seeded random weights: for timing, where the values do not matter. */
  public Decoder(Candidate candidate, long seed, int threads) {
    this(Weights.random(candidate, seed), threads);
  }

  /**
   * @param threads threads for the matrix products, >= 1
   */
  public Decoder(Weights weights, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.candidate = weights.candidate();
    this.d = candidate.dModel();
    this.hd = candidate.headDim();
    this.vocab = candidate.vocabSize();
    this.embedding = weights.embedding();
    this.finalNorm = weights.finalNorm();
    this.layers = weights.layers().toArray(Layer[]::new);
    this.kernels = new Kernels(threads);
  }

  public Candidate candidate() {
    return candidate;
  }

  /** A KV cache for up to {@code capacity} tokens. */
  public Session newSession(int capacity) {
    return new Session(this, capacity);
  }

  /** The state of one sequence: its KV cache and position. */
  public static final class Session {
    final float[][] keys;
    final float[][] values;
    final int capacity;
    int position;

    Session(Decoder decoder, int capacity) {
      this.capacity = capacity;
      keys = new float[decoder.layers.length][];
      values = new float[decoder.layers.length][];
      for (int i = 0; i < decoder.layers.length; i++) {
        Layer l = decoder.layers[i];
        if (l.kind() != AttentionKind.SKIP) {
          keys[i] = new float[capacity * l.kvHeads() * decoder.hd];
          values[i] = new float[capacity * l.kvHeads() * decoder.hd];
        }
      }
    }

    /** Tokens in the cache. */
    public int position() {
      return position;
    }

    /** Forgets the sequence (the cache is reused). */
    public void reset() {
      position = 0;
    }
  }

  /** Processes a prompt after what the session holds; returns the last token's logits. */
  public float[] prefill(Session s, int[] tokens) {
    float[] h = forward(s, tokens);
    float[] last = new float[d];
    System.arraycopy(h, (tokens.length - 1) * d, last, 0, d);
    float[] logits = new float[vocab];
    int blocks = Math.max(1, Math.min(kernels.threads() * 4, vocab / 256));
    kernels.forEach(
        blocks,
        (long) vocab * d / blocks,
        b -> {
          int from = b * vocab / blocks;
          Kernels.dots(
              last, 0, embedding, from * d, d, (b + 1) * vocab / blocks - from, d, logits, from);
        });
    return logits;
  }

  /**
   * Like {@link #prefill} but returns the logits of every token, tokens×vocab: what scoring a text
   * (perplexity) needs.
   */
  public float[] prefillAll(Session s, int[] tokens) {
    float[] h = forward(s, tokens);
    if (lmHead == null) {
      lmHead =
          new float[d * vocab]; // the tied embedding transposed, d×vocab, for a row-major product
      for (int v = 0; v < vocab; v++) {
        for (int i = 0; i < d; i++) {
          lmHead[i * vocab + v] = embedding[v * d + i];
        }
      }
    }
    float[] logits = new float[tokens.length * vocab];
    kernels.matmul(h, tokens.length, d, lmHead, vocab, logits);
    return logits;
  }

  /** One new token against the cache; returns its logits. */
  public float[] decode(Session s, int token) {
    return prefill(s, new int[] {token});
  }

  /** Runs the layers over the tokens and returns their final-normed hidden states, t×d. */
  private float[] forward(Session s, int[] tokens) {
    int t = tokens.length;
    if (s.position + t > s.capacity) {
      throw new IllegalArgumentException(
          "the session holds " + s.capacity + " tokens; " + (s.position + t) + " do not fit");
    }
    int start = s.position;
    float[] x = new float[t * d];
    for (int i = 0; i < t; i++) {
      int token = Math.floorMod(tokens[i], vocab);
      System.arraycopy(embedding, token * d, x, i * d, d);
    }
    float[] h = new float[t * d];
    for (int li = 0; li < layers.length; li++) {
      Layer l = layers[li];
      if (l.kind() != AttentionKind.SKIP) {
        attention(s, li, l, x, h, t, start);
      }
      feedForward(l, x, h, t);
    }
    s.position += t;
    Kernels.rmsNorm(x, t, d, finalNorm, h);
    return h;
  }

  private void attention(Session s, int li, Layer l, float[] x, float[] h, int t, int start) {
    int qDim = l.heads() * hd;
    int kvDim = l.kvHeads() * hd;
    Kernels.rmsNorm(x, t, d, l.attnNorm(), h);
    float[] q = new float[t * qDim];
    float[] k = new float[t * kvDim];
    float[] v = new float[t * kvDim];
    kernels.matmul(h, t, d, l.wq(), qDim, q);
    kernels.matmul(h, t, d, l.wk(), kvDim, k);
    kernels.matmul(h, t, d, l.wv(), kvDim, v);
    for (int i = 0; i < t; i++) {
      rope(q, i * qDim, l.heads(), start + i);
      rope(k, i * kvDim, l.kvHeads(), start + i);
    }
    System.arraycopy(k, 0, s.keys[li], start * kvDim, t * kvDim);
    System.arraycopy(v, 0, s.values[li], start * kvDim, t * kvDim);
    float[] keys = s.keys[li];
    float[] values = s.values[li];
    float[] out = new float[t * qDim];
    int group = l.heads() / l.kvHeads();
    int window = l.kind() == AttentionKind.LOCAL ? candidate.window() : Integer.MAX_VALUE;
    float scale = (float) (1 / Math.sqrt(hd));
    kernels.forEach(
        t * l.heads(),
        (long) Math.min(start + t, window) * hd * 2,
        job -> {
          int i = job / l.heads();
          int head = job % l.heads();
          int position = start + i;
          int from = Math.max(0, position - window + 1); // only the keys the layer sees
          attendOne(
              q,
              i * qDim + head * hd,
              keys,
              values,
              kvDim,
              (head / group) * hd,
              from,
              position,
              scale,
              out);
        });
    float[] projected = new float[t * d];
    kernels.matmul(out, t, qDim, l.wo(), d, projected);
    for (int i = 0; i < x.length; i++) {
      x[i] += projected[i];
    }
  }

  /**
   * One query row against keys [from, to] of one KV head: softmax of the scaled dot products, then
   * the weighted sum of the values into {@code out} at {@code qOff}. The value rows go through a
   * buffer so the JIT vectorises the weighted sum (see {@link Kernels#fourRows}).
   */
  private void attendOne(
      float[] q,
      int qOff,
      float[] keys,
      float[] values,
      int kvDim,
      int headOff,
      int from,
      int to,
      float scale,
      float[] out) {
    float[] scores = new float[to - from + 1];
    Kernels.dots(q, qOff, keys, from * kvDim + headOff, kvDim, scores.length, hd, scores, 0);
    float max = Float.NEGATIVE_INFINITY;
    for (int k = 0; k < scores.length; k++) {
      scores[k] *= scale;
      max = Math.max(max, scores[k]);
    }
    float sum = 0;
    for (int k = 0; k < scores.length; k++) {
      scores[k] = (float) Math.exp(scores[k] - max);
      sum += scores[k];
    }
    float[] acc = new float[hd];
    float[] row = new float[hd];
    for (int j = from; j <= to; j++) {
      float weight = scores[j - from] / sum;
      System.arraycopy(values, j * kvDim + headOff, row, 0, hd);
      for (int e = 0; e < hd; e++) {
        acc[e] += weight * row[e];
      }
    }
    System.arraycopy(acc, 0, out, qOff, hd);
  }

  private void feedForward(Layer l, float[] x, float[] h, int t) {
    int f = l.ffn();
    Kernels.rmsNorm(x, t, d, l.ffnNorm(), h);
    float[] a = new float[t * f];
    float[] b = new float[t * f];
    kernels.matmul(h, t, d, l.w1(), f, a);
    kernels.matmul(h, t, d, l.w3(), f, b);
    for (int i = 0; i < a.length; i++) {
      a[i] = a[i] / (1 + (float) Math.exp(-a[i])) * b[i]; // SiLU(gate) * up
    }
    float[] down = new float[t * d];
    kernels.matmul(a, t, f, l.w2(), d, down);
    for (int i = 0; i < x.length; i++) {
      x[i] += down[i];
    }
  }

  /** Rotary position embedding of every head of one row, pairs (e, e + hd/2). */
  private void rope(float[] m, int offset, int heads, int position) {
    int half = hd / 2;
    for (int e = 0; e < half; e++) {
      double angle = position / Math.pow(ROPE_BASE, 2.0 * e / hd);
      float cos = (float) Math.cos(angle);
      float sin = (float) Math.sin(angle);
      for (int head = 0; head < heads; head++) {
        int i = offset + head * hd + e;
        float a = m[i];
        float b = m[i + half];
        m[i] = a * cos - b * sin;
        m[i + half] = a * sin + b * cos;
      }
    }
  }

  @Override
  public void close() {
    kernels.close();
  }
}
