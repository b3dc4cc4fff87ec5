package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ObjectiveTest {

  @Test
  void shouldParseWhatItPrints() {
    Objective o = Objective.parse(" decode@512 ");
    assertEquals(new Objective(Phase.DECODE, 512), o);
    assertEquals("DECODE@512", o.toString());
  }

  @Test
  void shouldRejectMalformedObjectivesWithTheExpectedShape() {
    for (String bad : new String[] {"PREFILL", "PREFILL@", "PREFILL@x", "@512", "A@B@C"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Objective.parse(bad));
      assertEquals(true, e.getMessage().contains("PREFILL@2048"), bad + ": " + e.getMessage());
    }
    assertEquals(
        "contextLength must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> Objective.parse("PREFILL@0"))
            .getMessage());
  }

  @Test
  void shouldLeaveTheLongestContextToTheLimits() {
    assertEquals(2_000_000, Objective.parse("DECODE@2000000").contextLength());
  }
}
