package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatisticsTest {

  @Test
  void shouldTakeTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
    assertEquals(12.0, Statistics.median(List.of(30.0, 10.0, 12.0)));
    assertEquals(11.0, Statistics.median(List.of(30.0, 10.0, 12.0, 1.0)));
    assertEquals(
        "the median of no values is undefined",
        assertThrows(IllegalArgumentException.class, () -> Statistics.median(List.of()))
            .getMessage());
  }

  @Test
  void shouldInterpolateAQuantileBetweenTheTwoNearestRanks() {
    double[] values = {40, 10, 30, 20, 50};
    assertEquals(10.0, Statistics.quantile(values, 0));
    assertEquals(30.0, Statistics.quantile(values, 0.5));
    assertEquals(48.0, Statistics.quantile(values, 0.95), 1e-12);
    assertEquals(50.0, Statistics.quantile(values, 1));
    assertEquals(40.0, values[0], "the values are left in their order");
  }

  @Test
  void shouldRefuseAQuantileOutsideZeroToOneOrOfNoValues() {
    assertEquals(
        "quantile must be in 0..1, got 99.0",
        assertThrows(
                IllegalArgumentException.class, () -> Statistics.quantile(new double[] {1}, 99))
            .getMessage());
    assertEquals(
        "quantile must be in 0..1, got NaN",
        assertThrows(
                IllegalArgumentException.class,
                () -> Statistics.quantile(new double[] {1}, Double.NaN))
            .getMessage());
    assertEquals(
        "a quantile of no values is undefined",
        assertThrows(IllegalArgumentException.class, () -> Statistics.quantile(new double[0], 0.5))
            .getMessage());
  }
}
