package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.LatencyMeasurement;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DropDuplicateMeasurementsTest {

  private static final Candidate C =
      Candidate.builder()
          .layers(2)
          .dModel(64)
          .heads(2, 1)
          .headDim(32)
          .ffnDim(128)
          .vocabSize(100)
          .attention("GL")
          .window(8)
          .build();

  private static LatencyMeasurement measured(double ms) {
    return measured("c", ms);
  }

  private static LatencyMeasurement measured(String candidateId, double ms) {
    return Convert.toAvro(
        Measurement.of(
            candidateId, C, new HardwareTarget("box", "rt"), Phase.DECODE, 64, ms, List.of()));
  }

  private static KeyedOneInputStreamOperatorTestHarness<
          String, LatencyMeasurement, LatencyMeasurement>
      harness() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new DropDuplicateMeasurements(Duration.ofDays(1))),
        MeasurementJob::measurementId,
        Types.STRING);
  }

  @Test
  void shouldPassEachMeasurementIdOnceEvenAcrossASnapshotAndRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      h.processElement(measured(1.0), 0);
      h.processElement(measured(1.0), 0); // a retried post: same content, same id
      h.processElement(measured(2.0), 0);
      assertEquals(
          List.of(1.0, 2.0),
          h.extractOutputValues().stream().map(LatencyMeasurement::getLatencyMs).toList());
      snapshot = h.snapshot(1, 0);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(measured(2.0), 0);
      restored.processElement(measured(3.0), 0);
      assertEquals(
          List.of(3.0),
          restored.extractOutputValues().stream().map(LatencyMeasurement::getLatencyMs).toList());
    }
  }

  /** The case: whole-millisecond latencies of two labelled records are not a repeat. */
  @Test
  void shouldPassRecordsThatDifferOnlyInTheirCandidateId() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement(measured("s0001", 45.0), 0);
      h.processElement(measured("s0002", 45.0), 0);
      h.processElement(measured("s0002", 45.0), 0);
      assertEquals(
          List.of("s0001", "s0002"),
          h.extractOutputValues().stream().map(m -> m.getCandidateId().toString()).toList());
    }
  }
}
