package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseFloorTest {

  private static final Candidate C =
      Candidate.builder()
          .layers(2)
          .dModel(64)
          .heads(2, 1)
          .headDim(32)
          .ffnDim(128)
          .vocabSize(100)
          .build();

  private static Measurement at(Phase phase, int context, double ms) {
    return Measurement.of(null, C, SimulatedDevice.TARGET, phase, context, ms, List.of());
  }

  @Test
  void shouldCountPairsOfRepeatsOfTheSameObjectiveOnly() {
    NoiseFloor floor =
        NoiseFloor.of(
            List.of(
                at(Phase.PREFILL, 64, 10.0),
                at(Phase.PREFILL, 64, 10.9), // 9% above: agrees
                at(Phase.PREFILL, 64, 12.0), // 20% and 10.1% above: disagrees twice
                at(Phase.PREFILL, 128, 30.0), // another context: no pair
                at(Phase.DECODE, 64, 1.0))); // another phase: no pair

    assertEquals(3, floor.pairs());
    assertEquals(1.0 / 3, floor.within10(), 1e-12);
  }

  @Test
  void shouldSayUnknownWhenNothingRepeats() {
    NoiseFloor floor = NoiseFloor.of(List.of(at(Phase.PREFILL, 64, 10.0)));
    assertEquals(0, floor.pairs());
    assertEquals(Double.NaN, floor.within10());
  }
}
