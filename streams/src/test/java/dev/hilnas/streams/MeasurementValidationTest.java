package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.Topics;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeasurementValidationTest {

  static LatencyMeasurement valid() {
    return Convert.toAvro(
        Measurement.of(
            "c1",
            Candidate.builder()
                .layers(4)
                .dModel(256)
                .heads(4, 2)
                .headDim(64)
                .ffnDim(768)
                .vocabSize(8000)
                .attention("GLSG")
                .window(64)
                .build(),
            new HardwareTarget("pixel8-cpu", "executorch-xnnpack"),
            Phase.DECODE,
            512,
            1.25,
            List.of()));
  }

  static byte[] encode(LatencyMeasurement m) {
    return Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, m);
  }

  @Test
  void shouldAcceptAValidMeasurementInItsCanonicalForm() {
    LatencyMeasurement sent = valid();
    sent.getCandidate().setArchId("made-up-by-a-producer");

    MeasurementValidation.Verdict verdict = MeasurementValidation.validate(encode(sent));

    assertTrue(verdict.accepted());
    assertEquals(
        valid().getCandidate().getArchId(), verdict.measurement().getCandidate().getArchId());
  }

  @Test
  void shouldRejectUndecodableBytesWithTheReason() {
    MeasurementValidation.Verdict verdict = MeasurementValidation.validate(new byte[] {1, 2, 3});
    assertTrue(
        verdict
            .reason()
            .startsWith("not a LatencyMeasurement in Avro single-object encoding (3 bytes)"),
        verdict.reason());
  }

  @Test
  void shouldRejectAMissingValue() {
    assertEquals(
        "no value (null) where a LatencyMeasurement was expected",
        MeasurementValidation.validate(null).reason());
  }

  @Test
  void shouldRejectAWellFormedRecordWithAnInvalidField() {
    LatencyMeasurement bad = valid();
    bad.setContextLength(0);

    assertEquals(
        "invalid measurement: contextLength must be in 1..131072, got 0",
        MeasurementValidation.validate(encode(bad)).reason());
  }
}
