package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

  @Test
  void shouldLetOneLineThroughPerPeriodAndCountTheOnesHeldBack() {
    LogThrottle throttle = new LogThrottle(60_000);

    assertEquals(OptionalLong.of(0), throttle.pass(1_000), "the first one");
    assertEquals(OptionalLong.empty(), throttle.pass(1_001));
    assertEquals(OptionalLong.empty(), throttle.pass(60_999));
    assertEquals(OptionalLong.of(2), throttle.pass(61_000), "a period later, with the two held");
    assertEquals(OptionalLong.empty(), throttle.pass(61_000));
    assertEquals(OptionalLong.of(1), throttle.pass(500_000));
  }
}
