package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Phase;
import org.junit.jupiter.api.Test;

class LatencyQueryTest {

  private static final Candidate SMALL =
      Candidate.builder()
          .layers(2)
          .dModel(128)
          .heads(2, 2)
          .headDim(64)
          .ffnDim(256)
          .vocabSize(1000)
          .build();

  @Test
  void aMeasuredLatencyAlongsideIsOptionalButMustBeALatency() {
    assertEquals(12.5, new LatencyQuery("c", SMALL, null, Phase.PREFILL, 64, 12.5).measuredMs(), 0);
    new LatencyQuery("c", SMALL, null, Phase.PREFILL, 64, null); // a question without an answer
    for (double notALatency : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 0, -3}) {
      IllegalArgumentException refused =
          assertThrows(
              IllegalArgumentException.class,
              () -> new LatencyQuery("c", SMALL, null, Phase.PREFILL, 64, notALatency));
      assertEquals(
          "latencyMs must be a finite number > 0, got " + notALatency, refused.getMessage());
    }
  }
}
