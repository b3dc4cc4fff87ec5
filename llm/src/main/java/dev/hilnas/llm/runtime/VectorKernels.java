package dev.hilnas.llm.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matmuls on the (incubator) Vector API: for prefill a 4-row × 2-vector block of accumulators
 * stays in registers while k runs, one fused multiply-add per weight and row; for decode 4 vectors
 * of columns do. On JDK 25 the 1024² matmul runs at about 30 GFLOP/s on one core here, against 17
 * for the (auto-vectorised) scalar tiles on JDK 17; JDK 17's C2 does not compile this to vector
 * code, so {@link #ENABLED} is false there and the scalar path runs.
 */
final class VectorKernels {

  /**
   * Whether the module is present (launched with {@code --add-modules jdk.incubator.vector}) and
   * the JIT makes it fast.
   */
  static final boolean ENABLED = usable();

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VectorKernels() {}

  private static boolean usable() {
    boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    return present
        && Runtime.version().feature() >= 21
        && !Boolean.getBoolean("hilnas.scalarKernels");
  }

  /**
   * Rows t..t+3 of y = x·w (x rows×in, w in×out); the columns past the last full block are done in
   * scalar.
   */
  static void fourRows(float[] x, int t, int in, float[] w, int out, float[] y) {
    int lanes = S.length();
    int j = 0;
    for (; j + 2 * lanes <= out; j += 2 * lanes) {
      FloatVector c00 = FloatVector.zero(S);
      FloatVector c01 = FloatVector.zero(S);
      FloatVector c10 = FloatVector.zero(S);
      FloatVector c11 = FloatVector.zero(S);
      FloatVector c20 = FloatVector.zero(S);
      FloatVector c21 = FloatVector.zero(S);
      FloatVector c30 = FloatVector.zero(S);
      FloatVector c31 = FloatVector.zero(S);
      for (int k = 0; k < in; k++) {
        int o = k * out + j;
        FloatVector w0 = FloatVector.fromArray(S, w, o);
        FloatVector w1 = FloatVector.fromArray(S, w, o + lanes);
        FloatVector a0 = FloatVector.broadcast(S, x[t * in + k]);
        FloatVector a1 = FloatVector.broadcast(S, x[(t + 1) * in + k]);
        FloatVector a2 = FloatVector.broadcast(S, x[(t + 2) * in + k]);
        FloatVector a3 = FloatVector.broadcast(S, x[(t + 3) * in + k]);
        c00 = w0.fma(a0, c00);
        c01 = w1.fma(a0, c01);
        c10 = w0.fma(a1, c10);
        c11 = w1.fma(a1, c11);
        c20 = w0.fma(a2, c20);
        c21 = w1.fma(a2, c21);
        c30 = w0.fma(a3, c30);
        c31 = w1.fma(a3, c31);
      }
      c00.intoArray(y, t * out + j);
      c01.intoArray(y, t * out + j + lanes);
      c10.intoArray(y, (t + 1) * out + j);
      c11.intoArray(y, (t + 1) * out + j + lanes);
      c20.intoArray(y, (t + 2) * out + j);
      c21.intoArray(y, (t + 2) * out + j + lanes);
      c30.intoArray(y, (t + 3) * out + j);
      c31.intoArray(y, (t + 3) * out + j + lanes);
    }
    for (int r = t; r < t + 4 && j < out; r++) {
      for (int c = j; c < out; c++) {
        float sum = 0;
        for (int k = 0; k < in; k++) {
          sum += x[r * in + k] * w[k * out + c];
        }
        y[r * out + c] = sum;
      }
    }
  }

  /**
   * Columns [from, to) of y = x·w for one row x (decode): 4 vectors of columns accumulate in
   * registers over k.
   */
  static void gemvColumns(float[] x, int in, float[] w, int out, float[] y, int from, int to) {
    int lanes = S.length();
    int j = from;
    for (; j + 4 * lanes <= to; j += 4 * lanes) {
      FloatVector c0 = FloatVector.zero(S);
      FloatVector c1 = FloatVector.zero(S);
      FloatVector c2 = FloatVector.zero(S);
      FloatVector c3 = FloatVector.zero(S);
      for (int k = 0; k < in; k++) {
        FloatVector a = FloatVector.broadcast(S, x[k]);
        int o = k * out + j;
        c0 = FloatVector.fromArray(S, w, o).fma(a, c0);
        c1 = FloatVector.fromArray(S, w, o + lanes).fma(a, c1);
        c2 = FloatVector.fromArray(S, w, o + 2 * lanes).fma(a, c2);
        c3 = FloatVector.fromArray(S, w, o + 3 * lanes).fma(a, c3);
      }
      c0.intoArray(y, j);
      c1.intoArray(y, j + lanes);
      c2.intoArray(y, j + 2 * lanes);
      c3.intoArray(y, j + 3 * lanes);
    }
    for (; j < to; j++) {
      float sum = 0;
      for (int k = 0; k < in; k++) {
        sum += x[k] * w[k * out + j];
      }
      y[j] = sum;
    }
  }
}
