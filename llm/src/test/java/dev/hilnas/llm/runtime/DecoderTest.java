package dev.hilnas.llm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import org.junit.jupiter.api.Test;

class DecoderTest {

  /** fp32 against a double-precision reference, relative to the largest logit. */
  private static final double TOLERANCE = 1e-4;

  /** GQA (4 heads over 2), a LOCAL layer with a window shorter than the prompt, a SKIP layer. */
  private static final Candidate CANDIDATE =
      Candidate.builder()
          .layers(4)
          .dModel(64)
          .heads(4, 2)
          .headDim(16)
          .ffnDim(96)
          .vocabSize(50)
          .attention("GLSG")
          .window(3)
          .build();

  /**
   * The obvious implementation: every position recomputed from the tokens, full attention with a
   * causal (and window) mask, no cache, doubles everywhere.
   */
  static double[] reference(Decoder m, int[] tokens) {
    int t = tokens.length;
    int d = m.d;
    int hd = m.hd;
    double[][] x = new double[t][d];
    for (int i = 0; i < t; i++) {
      for (int e = 0; e < d; e++) {
        x[i][e] = m.embedding[tokens[i] * d + e];
      }
    }
    for (Weights.Layer l : m.layers) {
      if (l.kind() != AttentionKind.SKIP) {
        double[][] h = norm(x, l.attnNorm());
        double[][] q = rope(mul(h, l.wq(), l.heads() * hd), l.heads(), hd);
        double[][] k = rope(mul(h, l.wk(), l.kvHeads() * hd), l.kvHeads(), hd);
        double[][] v = mul(h, l.wv(), l.kvHeads() * hd);
        double[][] o = new double[t][l.heads() * hd];
        int window = l.kind() == AttentionKind.LOCAL ? m.candidate.window() : Integer.MAX_VALUE;
        for (int i = 0; i < t; i++) {
          for (int head = 0; head < l.heads(); head++) {
            int kvHead = head / (l.heads() / l.kvHeads());
            double[] s = new double[t];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < t; j++) {
              boolean visible = j <= i && i - j < window;
              double dot = 0;
              for (int e = 0; e < hd; e++) {
                dot += q[i][head * hd + e] * k[j][kvHead * hd + e];
              }
              s[j] = visible ? dot / Math.sqrt(hd) : Double.NEGATIVE_INFINITY;
              max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j < t; j++) {
              s[j] = Math.exp(s[j] - max);
              sum += s[j];
            }
            for (int j = 0; j < t; j++) {
              for (int e = 0; e < hd; e++) {
                o[i][head * hd + e] += s[j] / sum * v[j][kvHead * hd + e];
              }
            }
          }
        }
        add(x, mul(o, l.wo(), d));
      }
      double[][] h = norm(x, l.ffnNorm());
      double[][] a = mul(h, l.w1(), l.ffn());
      double[][] b = mul(h, l.w3(), l.ffn());
      for (int i = 0; i < t; i++) {
        for (int e = 0; e < l.ffn(); e++) {
          a[i][e] = a[i][e] / (1 + Math.exp(-a[i][e])) * b[i][e];
        }
      }
      add(x, mul(a, l.w2(), d));
    }
    double[] last = norm(x, m.finalNorm)[t - 1];
    double[] logits = new double[m.vocab];
    for (int v = 0; v < m.vocab; v++) {
      for (int e = 0; e < d; e++) {
        logits[v] += last[e] * m.embedding[v * d + e];
      }
    }
    return logits;
  }

  private static double[][] mul(double[][] x, float[] w, int out) {
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int i = 0; i < x.length; i++) {
      for (int k = 0; k < in; k++) {
        for (int j = 0; j < out; j++) {
          y[i][j] += x[i][k] * w[k * out + j];
        }
      }
    }
    return y;
  }

  private static double[][] norm(double[][] x, float[] g) {
    double[][] y = new double[x.length][x[0].length];
    for (int i = 0; i < x.length; i++) {
      double sum = 0;
      for (double v : x[i]) {
        sum += v * v;
      }
      double scale = 1 / Math.sqrt(sum / x[i].length + 1e-6);
      for (int e = 0; e < x[i].length; e++) {
        y[i][e] = x[i][e] * scale * g[e];
      }
    }
    return y;
  }

  private static double[][] rope(double[][] m, int heads, int hd) {
    for (int position = 0; position < m.length; position++) {
      for (int head = 0; head < heads; head++) {
        for (int e = 0; e < hd / 2; e++) {
          double angle = position / Math.pow(Decoder.ROPE_BASE, 2.0 * e / hd);
          int i = head * hd + e;
          double a = m[position][i];
          double b = m[position][i + hd / 2];
          m[position][i] = a * Math.cos(angle) - b * Math.sin(angle);
          m[position][i + hd / 2] = a * Math.sin(angle) + b * Math.cos(angle);
        }
      }
    }
    return m;
  }

  private static void add(double[][] x, double[][] y) {
    for (int i = 0; i < x.length; i++) {
      for (int e = 0; e < x[i].length; e++) {
        x[i][e] += y[i][e];
      }
    }
  }

  private static void assertClose(double[] expected, float[] actual) {
    double scale = 0;
    for (double v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOLERANCE * scale, "logit " + i);
    }
  }

  private static final int[] PROMPT = {3, 14, 15, 9, 26, 5, 35};

  @Test
  void shouldMatchTheReferenceOnAPromptLongerThanTheWindow() {
    for (int threads : new int[] {1, 2}) {
      try (Decoder m = new Decoder(CANDIDATE, 1, threads)) {
        float[] logits = m.prefill(m.newSession(16), PROMPT);
        assertClose(reference(m, PROMPT), logits);
      }
    }
  }

  @Test
  void shouldDecodeFromTheCacheWhatAFullRecomputationGives() {
    try (Decoder m = new Decoder(CANDIDATE, 2, 2)) {
      Decoder.Session s = m.newSession(16);
      m.prefill(s, PROMPT);
      float[] next = m.decode(s, 42);
      float[] after = m.decode(s, 7);

      int[] withNext = {3, 14, 15, 9, 26, 5, 35, 42};
      int[] withAfter = {3, 14, 15, 9, 26, 5, 35, 42, 7};
      assertClose(reference(m, withNext), next);
      assertClose(reference(m, withAfter), after);
      assertEquals(9, s.position());
    }
  }

  @Test
  void shouldRefuseTokensBeyondTheSessionsCapacity() {
    try (Decoder m = new Decoder(CANDIDATE, 1, 1)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> m.prefill(m.newSession(4), PROMPT));
      assertEquals("the session holds 4 tokens; 7 do not fit", e.getMessage());
    }
  }
}
