package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeasurementTest {

  private static final Candidate CANDIDATE =
      Candidate.builder()
          .layers(4)
          .dModel(256)
          .heads(4, 2)
          .headDim(64)
          .ffnDim(768)
          .vocabSize(8000)
          .attention("GLSG")
          .window(64)
          .build();
  private static final HardwareTarget TARGET =
      new HardwareTarget("pixel8-cpu", "executorch-xnnpack");

  private static Measurement measure(int context, double latency) {
    return Measurement.of(
        "c1", CANDIDATE, TARGET, Phase.PREFILL, context, latency, List.of(latency));
  }

  @Test
  void shouldRejectAContextLengthBelowOneToken() {
    var e = assertThrows(IllegalArgumentException.class, () -> measure(0, 1.0));
    assertEquals("contextLength must be >= 1, got 0", e.getMessage());
  }

  @Test
  void shouldRejectALatencyThatIsNotAFinitePositiveNumber() {
    var nan = assertThrows(IllegalArgumentException.class, () -> measure(64, Double.NaN));
    assertEquals("latencyMs must be a finite number > 0, got NaN", nan.getMessage());
    var zero = assertThrows(IllegalArgumentException.class, () -> measure(64, 0));
    assertEquals("latencyMs must be a finite number > 0, got 0.0", zero.getMessage());
  }

  @Test
  void shouldRejectAnUnknownPhase() {
    var e = assertThrows(IllegalArgumentException.class, () -> Phase.parse("TRAIN"));
    assertEquals("phase must be PREFILL or DECODE, got 'TRAIN'", e.getMessage());
    assertEquals(Phase.DECODE, Phase.parse("decode"));
  }

  @Test
  void shouldDeriveTheSameIdForTheSameContentSoRetriesDeduplicate() {
    assertEquals(measure(64, 1.5).id(), measure(64, 1.5).id());
    assertNotEquals(measure(64, 1.5).id(), measure(64, 1.6).id());
  }

  @Test
  void shouldNameTheObjectiveItSpeaksFor() {
    assertEquals(new Objective(Phase.PREFILL, 2048), measure(2048, 3).objective());
    assertEquals("PREFILL@2048", measure(2048, 3).objective().toString());
  }

  @Test
  void shouldRejectTargetNamesThatWouldBreakTheTargetId() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> new HardwareTarget("pixel 8", "xnn"));
    assertEquals(
        "hardware 'pixel 8' must be 1-64 letters, digits or . _ + - (no '/' or spaces)",
        e.getMessage());
    assertEquals(
        "pixel8-cpu/executorch-xnnpack/fp16",
        new HardwareTarget("pixel8-cpu", "executorch-xnnpack", "fp16").id());
  }
}
