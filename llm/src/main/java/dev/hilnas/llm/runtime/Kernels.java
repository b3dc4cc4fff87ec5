package dev.hilnas.llm.runtime;

import java.util.function.IntConsumer;

/**
 * The dense kernels of the decoder on flat row-major fp32 arrays, split across a fixed pool of
 * threads. Matrix products use the axpy order (the innermost loop runs along a contiguous row of
 * the weights) so that the JIT vectorises it.
 */
final class Kernels {

  /**
   * Below this many multiply-adds a loop runs on the calling thread: forking costs more. Measured
   * with bench runtime on the shipped backbone, decode (matrix-vector products of at most 131k
   * multiply-adds, attention of 262k per layer at 512 tokens) ran slower on 2 threads than on 1
   * with a threshold of 64k.
   */
  private static final long PARALLEL_FROM = 1 << 20;

  /**
   * Columns per tile: 256 ran fastest of 64..512 (four accumulators and the segment, 5 KB, stay in
   * L1).
   */
  private static final int TILE = 256;

  private final ParallelLoop loop;

  Kernels(int threads) {
    this.loop = new ParallelLoop(threads);
  }

  int threads() {
    return loop.threads();
  }

  /** Runs {@code body(i)} for i in [0, n), split across the pool when worth it. */
  void forEach(int n, long workPerItem, IntConsumer body) {
    if (n * workPerItem < PARALLEL_FROM) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    loop.forEach(n, 4, body);
  }

  /** {@code y[t] = x[t] · W} for t in [0, rows): x is rows×in, W is in×out, y is rows×out. */
  void matmul(float[] x, int rows, int in, float[] w, int out, float[] y) {
    if (rows
        == 1) { // decode: split the output columns when forking pays, else one block of long tiles
      int blocks =
          (long) in * out < PARALLEL_FROM || loop.threads() == 1
              ? 1
              : Math.min(loop.threads() * 4, Math.max(1, out / 64));
      forEach(
          blocks,
          (long) in * out / blocks,
          b -> {
            if (VectorKernels.ENABLED) {
              VectorKernels.gemvColumns(x, in, w, out, y, b * out / blocks, (b + 1) * out / blocks);
            } else {
              gemvColumns(x, in, w, out, y, b * out / blocks, (b + 1) * out / blocks);
            }
          });
      return;
    }
    forEach(
        (rows + 3) / 4,
        4L * in * out,
        b -> {
          int t = 4 * b;
          if (t + 4 <= rows && VectorKernels.ENABLED) {
            VectorKernels.fourRows(x, t, in, w, out, y);
          } else if (t + 4 <= rows) {
            fourRows(x, t, in, w, out, y);
          } else {
            for (; t < rows; t++) {
              gemvColumns(x, t * in, in, w, out, y, t * out, 0, out);
            }
          }
        });
  }

  /**
   * Rows t..t+3 of the product, a tile of {@value #TILE} columns at a time: each weight row segment
   * is read once for four rows and the four accumulators stay in L1. The segment is first copied to
   * a buffer so that every array in the inner loop is indexed by the same {@code j}: only then does
   * JDK 17's C2 vectorise it (with two different offsets it cannot rule out aliasing and runs
   * scalar code, about 3x slower). The sums run over k in the same order, so results equal {@link
   * #gemvColumns}.
   */
  static void fourRows(float[] x, int t, int in, float[] w, int out, float[] y) {
    float[] c0 = new float[TILE];
    float[] c1 = new float[TILE];
    float[] c2 = new float[TILE];
    float[] c3 = new float[TILE];
    float[] segment = new float[TILE];
    for (int from = 0; from < out; from += TILE) {
      int n = Math.min(TILE, out - from);
      java.util.Arrays.fill(c0, 0f);
      java.util.Arrays.fill(c1, 0f);
      java.util.Arrays.fill(c2, 0f);
      java.util.Arrays.fill(c3, 0f);
      for (int k = 0; k < in; k++) {
        float a0 = x[t * in + k];
        float a1 = x[(t + 1) * in + k];
        float a2 = x[(t + 2) * in + k];
        float a3 = x[(t + 3) * in + k];
        System.arraycopy(w, k * out + from, segment, 0, n);
        for (int j = 0; j < n; j++) {
          float wj = segment[j];
          c0[j] += a0 * wj;
          c1[j] += a1 * wj;
          c2[j] += a2 * wj;
          c3[j] += a3 * wj;
        }
      }
      System.arraycopy(c0, 0, y, t * out + from, n);
      System.arraycopy(c1, 0, y, (t + 1) * out + from, n);
      System.arraycopy(c2, 0, y, (t + 2) * out + from, n);
      System.arraycopy(c3, 0, y, (t + 3) * out + from, n);
    }
  }

  static void gemvColumns(float[] x, int in, float[] w, int out, float[] y, int from, int to) {
    gemvColumns(x, 0, in, w, out, y, 0, from, to);
  }

  /**
   * Columns [from, to) of one row's product, a tile at a time, through buffers as in {@link
   * #fourRows}.
   */
  private static void gemvColumns(
      float[] x, int xOff, int in, float[] w, int out, float[] y, int yOff, int from, int to) {
    float[] c = new float[Math.min(TILE, to - from)];
    float[] segment = new float[c.length];
    for (int tile = from; tile < to; tile += TILE) {
      int n = Math.min(TILE, to - tile);
      java.util.Arrays.fill(c, 0f);
      for (int k = 0; k < in; k++) {
        float a = x[xOff + k];
        System.arraycopy(w, k * out + tile, segment, 0, n);
        for (int j = 0; j < n; j++) {
          c[j] += a * segment[j];
        }
      }
      System.arraycopy(c, 0, y, yOff + tile, n);
    }
  }

  /**
   * {@code out[outOff + r] = x[xOff ..< xOff + n] · m[first + r·stride ..< + n]} for r in [0,
   * count): one vector against rows of a matrix. Four rows go side by side, four independent sums
   * each still summed in order, so the adds do not wait on each other.
   */
  static void dots(
      float[] x,
      int xOff,
      float[] m,
      int first,
      int stride,
      int count,
      int n,
      float[] out,
      int outOff) {
    int r = 0;
    for (; r + 4 <= count; r += 4) {
      int r0 = first + r * stride;
      float s0 = 0;
      float s1 = 0;
      float s2 = 0;
      float s3 = 0;
      for (int i = 0; i < n; i++) {
        float xi = x[xOff + i];
        s0 += xi * m[r0 + i];
        s1 += xi * m[r0 + stride + i];
        s2 += xi * m[r0 + 2 * stride + i];
        s3 += xi * m[r0 + 3 * stride + i];
      }
      out[outOff + r] = s0;
      out[outOff + r + 1] = s1;
      out[outOff + r + 2] = s2;
      out[outOff + r + 3] = s3;
    }
    for (; r < count; r++) {
      int row = first + r * stride;
      float sum = 0;
      for (int i = 0; i < n; i++) {
        sum += x[xOff + i] * m[row + i];
      }
      out[outOff + r] = sum;
    }
  }

  /** RMSNorm of each row of x (rows×d) into y, scaled by g. */
  static void rmsNorm(float[] x, int rows, int d, float[] g, float[] y) {
    for (int t = 0; t < rows; t++) {
      int off = t * d;
      double sum = 0;
      for (int i = 0; i < d; i++) {
        sum += x[off + i] * x[off + i];
      }
      float scale = (float) (1 / Math.sqrt(sum / d + 1e-6));
      for (int i = 0; i < d; i++) {
        y[off + i] = x[off + i] * scale * g[i];
      }
    }
  }

  void close() {
    loop.close();
  }
}
