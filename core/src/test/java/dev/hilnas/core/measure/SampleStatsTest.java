package dev.hilnas.core.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleStatsTest {

  private static final double EXACT = 1e-12;

  @Test
  void shouldTakeTheMedianIntervalFromOrderStatistics() {
    // n = 10: P(X <= 1) = 11/1024, so [x(2), x(9)] covers 1 - 22/1024 = 0.9785
    SampleStats s = SampleStats.of(List.of(9.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0));

    assertEquals(5.5, s.median(), EXACT);
    assertEquals(2.0, s.ciLow(), EXACT);
    assertEquals(9.0, s.ciHigh(), EXACT);
    assertEquals(1 - 22.0 / 1024, s.ciLevel(), EXACT);
    assertEquals(7 / 5.5, s.ciWidth(), EXACT);
    assertEquals(9 / 5.5, s.spread(), EXACT);
  }

  @Test
  void shouldFallBackToTheRangeWithTooFewSamplesForTheConfidence() {
    // n = 5: even the range covers only 1 - 2/32
    SampleStats s = SampleStats.of(List.of(3.0, 1.0, 2.0, 5.0, 4.0));

    assertEquals(1, SampleStats.lowerRank(5));
    assertEquals(1.0, s.ciLow(), EXACT);
    assertEquals(5.0, s.ciHigh(), EXACT);
    assertEquals(1 - 2.0 / 32, s.ciLevel(), EXACT);
  }

  @Test
  void shouldCountSamplesBeyondTukeysFencesAsOutliers() {
    SampleStats s = SampleStats.of(List.of(10.0, 10.1, 9.9, 10.0, 10.2, 10.0, 30.0, 9.8));

    assertEquals(1, s.outliers());
    assertFalse(s.bimodal()); // one spike is an outlier, not a mode
  }

  @Test
  void shouldCallTwoSeparatedGroupsBimodalAndOneNoisyGroupNot() {
    SampleStats two = SampleStats.of(List.of(10.0, 10.1, 10.0, 9.9, 13.0, 13.1, 12.9, 13.0));
    SampleStats one = SampleStats.of(List.of(10.0, 10.4, 10.8, 11.2, 11.6, 12.0, 12.4, 12.8));

    assertTrue(two.bimodal());
    assertEquals(0, two.outliers());
    assertFalse(one.bimodal());
  }
}
