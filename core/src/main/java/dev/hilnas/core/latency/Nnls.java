package dev.hilnas.core.latency;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * Non-negative least squares on the normal equations (Lawson and Hanson's active-set method):
 * minimises {@code ½ cᵀGc − bᵀc} subject to {@code c >= 0}, where {@code G = AᵀA + λI} and {@code b
 * = Aᵀy + λc₀} come from the caller. Working on the p×p Gram matrix keeps the cost independent of
 * the number of rows, which is what makes refits cheap. Latencies are sums of non-negative prices,
 * so a negative coefficient is always an artefact of collinear features.
 */
final class Nnls {

  private static final double TOLERANCE = 1e-10;

  private Nnls() {}

  /**
   * @return the non-negative minimiser; coefficients of all-zero columns stay 0
   */
  static double[] solve(double[][] gram, double[] rhs) {
    int p = rhs.length;
    double[] c = new double[p];
    boolean[] passive = new boolean[p];
    double scale = 0;
    for (int j = 0; j < p; j++) {
      scale = Math.max(scale, Math.abs(gram[j][j]));
    }
    double tol = TOLERANCE * Math.max(scale, 1);
    for (int outer = 0; outer < 3 * p; outer++) {
      double[] w = gradient(gram, rhs, c);
      int enter = -1;
      for (int j = 0; j < p; j++) {
        if (!passive[j] && gram[j][j] > 0 && w[j] > tol && (enter < 0 || w[j] > w[enter])) {
          enter = j;
        }
      }
      if (enter < 0) {
        break;
      }
      passive[enter] = true;
      for (int inner = 0; inner < 3 * p; inner++) {
        double[] z = solvePassive(gram, rhs, passive);
        double alpha = 1;
        boolean feasible = true;
        for (int j = 0; j < p; j++) {
          if (passive[j] && z[j] <= 0) {
            feasible = false;
            alpha = Math.min(alpha, c[j] / (c[j] - z[j]));
          }
        }
        if (feasible) {
          c = z;
          break;
        }
        for (int j = 0; j < p; j++) {
          c[j] += alpha * (z[j] - c[j]);
          if (passive[j] && c[j] <= tol) {
            passive[j] = false;
            c[j] = 0;
          }
        }
      }
    }
    return c;
  }

  private static double[] gradient(double[][] gram, double[] rhs, double[] c) {
    double[] w = rhs.clone();
    for (int i = 0; i < w.length; i++) {
      for (int j = 0; j < w.length; j++) {
        w[i] -= gram[i][j] * c[j];
      }
    }
    return w;
  }

  private static double[] solvePassive(double[][] gram, double[] rhs, boolean[] passive) {
    int p = rhs.length;
    int[] index = new int[p];
    int k = 0;
    for (int j = 0; j < p; j++) {
      if (passive[j]) {
        index[k++] = j;
      }
    }
    Array2DRowRealMatrix sub = new Array2DRowRealMatrix(k, k);
    ArrayRealVector b = new ArrayRealVector(k);
    for (int i = 0; i < k; i++) {
      b.setEntry(i, rhs[index[i]]);
      for (int j = 0; j < k; j++) {
        sub.setEntry(i, j, gram[index[i]][index[j]]);
      }
    }
    RealVector solution = new LUDecomposition(sub, 1e-14).getSolver().solve(b);
    double[] z = new double[p];
    for (int i = 0; i < k; i++) {
      z[index[i]] = solution.getEntry(i);
    }
    return z;
  }
}
