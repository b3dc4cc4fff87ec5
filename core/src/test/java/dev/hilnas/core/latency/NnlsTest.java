package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class NnlsTest {

  private static final double TOLERANCE = 1e-12;

  @Test
  void shouldReturnTheUnconstrainedSolutionWhenItIsNonNegative() {
    double[][] gram = {{2, 1}, {1, 2}};
    // unconstrained minimiser of ½cᵀGc − bᵀc is G⁻¹b = (1, 2)
    assertArrayEquals(new double[] {1, 2}, Nnls.solve(gram, new double[] {4, 5}), TOLERANCE);
  }

  @Test
  void shouldClampANegativeCoefficientAndRefitTheRest() {
    double[][] gram = {{2, 1}, {1, 2}};
    // G⁻¹b = (3, -2); with c2 = 0 the best c1 is b1 / G11 = 2
    assertArrayEquals(new double[] {2, 0}, Nnls.solve(gram, new double[] {4, -1}), TOLERANCE);
  }

  @Test
  void shouldReturnZeroWhenEveryGradientPointsNegative() {
    double[][] gram = {{1, 0}, {0, 1}};
    assertArrayEquals(new double[] {0, 0}, Nnls.solve(gram, new double[] {-1, -2}), TOLERANCE);
  }

  @Test
  void shouldLeaveAllZeroColumnsAtZero() {
    double[][] gram = {{1, 0}, {0, 0}};
    assertArrayEquals(new double[] {3, 0}, Nnls.solve(gram, new double[] {3, 0}), TOLERANCE);
  }
}
