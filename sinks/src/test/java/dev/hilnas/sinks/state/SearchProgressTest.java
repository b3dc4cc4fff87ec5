package dev.hilnas.sinks.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchProgressTest {

  @Test
  void shouldPutEveryRequestedArchitectureInExactlyOneOfMeasuredFailedAndPending() {
    // a: measured after a failed attempt; b: failed twice in two requests; c: failed once in two
    // requests (its retry is pending); d: never answered; e: measured but never requested (import)
    SearchProgress p =
        SearchProgress.of(
            "t",
            Map.of("a", 2L, "b", 2L, "c", 2L, "d", 1L),
            Map.of("a", 1L, "b", 2L, "c", 1L, "x", 1L),
            Set.of("a", "e"));

    assertEquals(new SearchProgress("t", 7, 4, 1, 1, 2, 5), p);
  }

  @Test
  void shouldCountNothingWhenNothingWasRequested() {
    assertEquals(
        new SearchProgress("t", 0, 0, 0, 0, 0, 0),
        SearchProgress.of("t", Map.of(), Map.of(), Set.of("e")));
  }
}
