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
        assertThrows(IllegalArgumentException.class, () -> Statistics.median(List.of())).getMessage());
  }
}
