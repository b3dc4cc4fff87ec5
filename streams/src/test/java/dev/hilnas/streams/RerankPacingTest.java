package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RerankPacingTest {

  private final RerankPacing pacing = RerankPacing.DEFAULTS;

  @Test
  void shouldReRankAtOnceATargetThatHasNotSinceTheInstanceStarted() {
    assertEquals(Long.MIN_VALUE, pacing.nextMs(null, 600_000));
  }

  @Test
  void shouldReRankAtOnceATargetWhoseGapIsUnderTheLeastThatHoldsBack() {
    assertEquals(Long.MIN_VALUE, pacing.nextMs(1_000L, 6 * 1_000), "6,000 points: 1.5 s");
  }

  @Test
  void shouldHoldBackABigTargetForAGapInProportionToItsPoints() {
    assertEquals(1_000 + 2_000, pacing.nextMs(1_000L, 8_000));
    assertEquals(1_000 + 15_000, pacing.nextMs(1_000L, 6 * 10_000), "10,000 evaluations");
  }

  @Test
  void shouldRefuseANegativePace() {
    assertThrows(IllegalArgumentException.class, () -> new RerankPacing(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new RerankPacing(Double.NaN, 0));
  }
}
