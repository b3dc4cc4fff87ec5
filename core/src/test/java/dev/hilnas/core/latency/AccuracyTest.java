package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AccuracyTest {

  private static final double TOLERANCE = 1e-12;

  @Test
  void shouldScoreByHand() {
    // errors: +5%, -20%, +10% (counts as within), 0%
    Accuracy a = Accuracy.of(new double[] {10.5, 8, 11, 4}, new double[] {10, 10, 10, 4});
    assertEquals(4, a.n());
    assertEquals(0.75, a.within10(), TOLERANCE);
    assertEquals((0.05 + 0.2 + 0.1 + 0) / 4, a.mape(), TOLERANCE);
    // ranks: predicted 3, 2, 4, 1; measured 3, 3, 3, 1 (ties averaged); Pearson of the ranks = √0.6
    assertEquals(0.7745966692414834, a.spearman(), TOLERANCE);
  }

  @Test
  void shouldReportNaNForNoPoints() {
    Accuracy a = Accuracy.of(new double[0], new double[0]);
    assertEquals(0, a.n());
    assertEquals(Double.NaN, a.within10());
  }

  @Test
  void shouldRejectMismatchedLengths() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Accuracy.of(new double[1], new double[2]));
    assertEquals("1 predictions for 2 measurements", e.getMessage());
  }
}
