package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
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

  /** The case: whole-millisecond devices report equal latencies for distinct records. */
  @Test
  void shouldDeriveDifferentIdsForRecordsThatDifferOnlyInTheirCandidateId() {
    Measurement a = Measurement.of("s0001", CANDIDATE, TARGET, Phase.PREFILL, 64, 45.0, List.of());
    Measurement b = Measurement.of("s0002", CANDIDATE, TARGET, Phase.PREFILL, 64, 45.0, List.of());
    assertNotEquals(a.id(), b.id());
  }

  @Test
  void shouldDeriveDifferentIdsForRecordsFromDifferentSources() {
    assertNotEquals(
        measuredBy("agent-1", 4, Map.of()).id(), measuredBy("agent-2", 4, Map.of()).id());
    assertNotEquals(
        measuredBy("agent-1", 4, Map.of()).id(), measuredBy("agent-1", 8, Map.of()).id());
    assertNotEquals(
        measuredBy("agent-1", 4, Map.of()).id(),
        measuredBy("agent-1", 4, Map.of("os", "linux")).id());
    assertEquals(
        measuredBy("agent-1", 4, Map.of("os", "linux", "cpu", "x")).id(),
        measuredBy("agent-1", 4, Map.of("cpu", "x", "os", "linux")).id());
  }

  /**
   * Pinned: changing the canonical form changes every derived id. The first line of
   * examples/measurements-train.jsonl; expected value computed outside Java: "m" + sha256(
   * "af7be8c51985c5d4d|x86-1thread-numpy/numpy-openblas-fp32|PREFILL|64|45.1959|[44.8415, 45.1959,
   * 52.3545]|s0000|null|null|null|{}")[:24].
   */
  @Test
  void shouldKeepTheDerivedIdStable() {
    Candidate c =
        Candidate.builder()
            .layers(8)
            .dModel(320)
            .heads(5, 1)
            .headDim(64)
            .ffnDim(1408)
            .vocabSize(8000)
            .attention("GGGGGGGG")
            .window(64)
            .build();
    Measurement first =
        Measurement.of(
            "s0000",
            c,
            new HardwareTarget("x86-1thread-numpy", "numpy-openblas-fp32"),
            Phase.PREFILL,
            64,
            45.1959,
            List.of(44.8415, 45.1959, 52.3545));
    assertEquals("md808041d4a267741fed0c23f", first.id());
  }

  private static Measurement measuredBy(String agent, int threads, Map<String, String> env) {
    return new Measurement(
        null, "c1", CANDIDATE, TARGET, Phase.DECODE, 64, 1.5, List.of(), agent, null, threads, env);
  }

  @Test
  void shouldCopyItselfWithOtherTimingsOrEnvironmentUnderANewId() {
    Measurement m = measuredBy("agent-1", 2, Map.of("os", "linux"));

    Measurement slower = m.withTiming(3.0, List.of(2.9, 3.0));
    assertEquals(3.0, slower.latencyMs());
    assertEquals(List.of(2.9, 3.0), slower.samplesMs());
    assertEquals(
        m.withTiming(3.0, List.of(2.9, 3.0)).id(), slower.id(), "an id from the new content");
    assertNotEquals(m.id(), slower.id());
    assertEquals(m.agentId(), slower.agentId());
    assertEquals(m.environment(), slower.environment());

    Measurement elsewhere = m.withEnvironment(Map.of("os", "android"));
    assertEquals(Map.of("os", "android"), elsewhere.environment());
    assertEquals(m.latencyMs(), elsewhere.latencyMs());
    assertEquals(m.threads(), elsewhere.threads());
    assertNotEquals(m.id(), elsewhere.id());
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
