package dev.hilnas.llm.quality;

import dev.hilnas.llm.runtime.ParallelLoop;
import java.util.function.IntConsumer;

/**
 * The three dense products of training on flat row-major fp32 arrays, split across a fixed pool.
 * Every inner loop is an axpy along a contiguous row, which the JIT vectorises; each output row is
 * written by one thread in a fixed order, so results do not depend on the thread count.
 */
final class Gemm implements AutoCloseable {

  private static final int K_BLOCK = 16;

  private final ParallelLoop loop;

  Gemm(int threads) {
    this.loop = new ParallelLoop(threads);
  }

  /** Runs body(i) for i in [0, n) on the pool. */
  void parallel(int n, IntConsumer body) {
    loop.forEach(n, 8, body);
  }

  /** c (rows×out) = a (rows×in) · w (in×out), or += when accumulating. */
  void mul(float[] a, int rows, int in, float[] w, int out, float[] c, boolean accumulate) {
    parallel(
        rows,
        t -> {
          int cOff = t * out;
          if (!accumulate) {
            java.util.Arrays.fill(c, cOff, cOff + out, 0f);
          }
          for (int k = 0; k < in; k++) {
            float s = a[t * in + k];
            if (s != 0) {
              axpy(s, w, k * out, c, cOff, out);
            }
          }
        });
  }

  /** dw (in×out) += xᵀ · dy, with x rows×in and dy rows×out: a weight's gradient. */
  void mulTransposedA(float[] x, int rows, int in, float[] dy, int out, float[] dw) {
    parallel(
        (in + K_BLOCK - 1) / K_BLOCK,
        block -> {
          int from = block * K_BLOCK;
          int to = Math.min(in, from + K_BLOCK);
          for (int t = 0; t < rows; t++) {
            for (int k = from; k < to; k++) {
              float s = x[t * in + k];
              if (s != 0) {
                axpy(s, dy, t * out, dw, k * out, out);
              }
            }
          }
        });
  }

  /** dx (rows×in) = dy (rows×out) · wᵀ with w in×out, or += when accumulating. */
  void mulTransposedB(
      float[] dy, int rows, int out, float[] w, int in, float[] dx, boolean accumulate) {
    mul(dy, rows, out, transpose(w, in, out), in, dx, accumulate);
  }

  static float[] transpose(float[] w, int rows, int cols) {
    float[] t = new float[w.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = w[r * cols + c];
      }
    }
    return t;
  }

  private static void axpy(float s, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int j = 0; j < n; j++) {
      y[yOff + j] += s * x[xOff + j];
    }
  }

  @Override
  public void close() {
    loop.close();
  }
}
