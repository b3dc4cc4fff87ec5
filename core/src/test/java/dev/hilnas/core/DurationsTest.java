package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void shouldReadACountAndAUnit() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofSeconds(2), Durations.parse(" 2 S "));
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
  }

  @Test
  void shouldReadIso8601ForAnythingElse() {
    assertEquals(Duration.ofSeconds(90), Durations.parse("PT1M30S"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("pt1.5s"));
  }

  @Test
  void shouldSayWhatADurationLooksLike() {
    for (String bad : new String[] {"soon", "", "2 days", "1.5s", "-1s", "9999999999s"}) {
      assertEquals(
          "duration must look like 500ms, 2s, 5m, 1h or PT1M30S, got '" + bad + "'",
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad)).getMessage());
    }
  }

  @Test
  void shouldRejectANegativeDuration() {
    assertEquals(
        "duration must not be negative, got 'PT-1S'",
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("PT-1S")).getMessage());
  }
}
