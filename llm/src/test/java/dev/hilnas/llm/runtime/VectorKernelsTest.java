package dev.hilnas.llm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel against the scalar one, whatever the JDK (on 17 it is correct, just not fast).
 */
class VectorKernelsTest {

  @Test
  void fourRowsOfTheVectorKernelEqualTheScalarTilesUpToFusedRounding() {
    SplittableRandom r = new SplittableRandom(1);
    for (int out : new int[] {8, 37, 64, 200}) {
      int in = 48;
      float[] x = new float[4 * in];
      float[] w = new float[in * out];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextDouble(-1, 1);
      }
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) r.nextDouble(-1, 1);
      }
      float[] vector = new float[4 * out];
      float[] scalar = new float[4 * out];
      VectorKernels.fourRows(x, 0, in, w, out, vector);
      Kernels.fourRows(x, 0, in, w, out, scalar);
      for (int i = 0; i < scalar.length; i++) {
        assertEquals(scalar[i], vector[i], 1e-4, "out " + out + " element " + i);
      }
    }
  }

  @Test
  void theVectorGemvEqualsTheScalarOneOnAnyColumnRange() {
    SplittableRandom r = new SplittableRandom(2);
    int in = 40;
    int out = 150;
    float[] x = new float[in];
    float[] w = new float[in * out];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextDouble(-1, 1);
    }
    for (int[] range : new int[][] {{0, 150}, {3, 77}, {100, 150}, {5, 9}}) {
      float[] vector = new float[out];
      float[] scalar = new float[out];
      VectorKernels.gemvColumns(x, in, w, out, vector, range[0], range[1]);
      Kernels.gemvColumns(x, in, w, out, scalar, range[0], range[1]);
      for (int j = 0; j < out; j++) {
        assertEquals(
            scalar[j], vector[j], 1e-4, "columns " + range[0] + ".." + range[1] + " at " + j);
      }
    }
  }
}
