package dev.hilnas.llm.runtime;

import java.util.SplittableRandom;

/** The runtime's own dense product on a large square problem: the ceiling its decoder can reach. */
public final class MatmulPeak {
  private MatmulPeak() {}

  /**
   * GFLOP/s of one n×n·n×n product on {@code threads} threads (call repeatedly: the first runs warm
   * up the JIT).
   */
  public static double gflops(int n, int threads) {
    SplittableRandom r = new SplittableRandom(1);
    float[] a = new float[n * n];
    float[] b = new float[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextDouble();
      b[i] = (float) r.nextDouble();
    }
    float[] c = new float[n * n];
    Kernels kernels = new Kernels(threads);
    try {
      long start = System.nanoTime();
      kernels.matmul(a, n, n, b, n, c);
      return 2.0 * n * n * n / (System.nanoTime() - start);
    } finally {
      kernels.close();
    }
  }
}
