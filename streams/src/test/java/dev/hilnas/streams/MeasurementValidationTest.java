package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.TrainingPoint;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.Topics;
import java.util.Arrays;
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

    MeasurementValidation.Verdict verdict =
        MeasurementValidation.validate(encode(sent), Limits.DEFAULTS);

    assertTrue(verdict.accepted());
    assertEquals(
        valid().getCandidate().getArchId(), verdict.measurement().getCandidate().getArchId());
  }

  @Test
  void shouldMakeTheLatencyModelsPointOfWhatItAcceptsAndNoneOfWhatItRejects() {
    LatencyMeasurement sent = valid();
    sent.getCandidate().setArchId("made-up-by-a-producer");

    TrainingPoint point = MeasurementValidation.validate(encode(sent), Limits.DEFAULTS).point();

    TrainingPoint expected =
        TrainingPoint.of(Convert.fromAvro(valid()), valid().getCandidate().getArchId());
    assertEquals(expected.archId(), point.archId());
    assertEquals(Phase.DECODE, point.phase());
    assertEquals(1.25, point.latencyMs());
    assertArrayEquals(expected.work(), point.work());
    assertArrayEquals(expected.shape(), point.shape());
    assertNull(MeasurementValidation.validate(new byte[] {1, 2, 3}, Limits.DEFAULTS).point());
  }

  /** The job keys accepted measurements by target without checking the target's names again. */
  @Test
  void shouldAcceptATargetInTheFormItsIdIsMadeOf() {
    LatencyMeasurement sent = valid();
    sent.getTarget().setHardware(" pixel8-cpu ");
    sent.getTarget().setPrecision(" ");
    LatencyMeasurement withPrecision = valid();
    withPrecision.getTarget().setPrecision("fp16 ");

    LatencyMeasurement accepted =
        MeasurementValidation.validate(encode(sent), Limits.DEFAULTS).measurement();
    LatencyMeasurement acceptedWithPrecision =
        MeasurementValidation.validate(encode(withPrecision), Limits.DEFAULTS).measurement();

    assertEquals("pixel8-cpu/executorch-xnnpack", MeasurementJob.targetId(accepted));
    assertEquals(
        "pixel8-cpu/executorch-xnnpack/fp16", MeasurementJob.targetId(acceptedWithPrecision));
  }

  @Test
  void shouldRejectUndecodableBytesWithTheReason() {
    MeasurementValidation.Verdict verdict =
        MeasurementValidation.validate(new byte[] {1, 2, 3}, Limits.DEFAULTS);
    assertTrue(
        verdict
            .reason()
            .startsWith("not a LatencyMeasurement in Avro single-object encoding (3 bytes)"),
        verdict.reason());
  }

  @Test
  void shouldRejectARecordWhoseStringLengthAvroRefusesInsteadOfThrowing() {
    // found by `hilnas bench fuzz`: thrown past validation, this failed the job on every restart
    byte[] bytes = Arrays.copyOf(encode(valid()), 15);
    byte[] threeGigabytes = {(byte) 0x80, (byte) 0xF8, (byte) 0x82, (byte) 0xAD, 0x16};
    System.arraycopy(threeGigabytes, 0, bytes, 10, threeGigabytes.length);

    MeasurementValidation.Verdict verdict = MeasurementValidation.validate(bytes, Limits.DEFAULTS);

    assertEquals(
        "not a LatencyMeasurement in Avro single-object encoding (15 bytes): Cannot read strings"
            + " longer than 2147483639 bytes",
        verdict.reason());
  }

  @Test
  void shouldRejectAMissingValue() {
    assertEquals(
        "no value (null) where a LatencyMeasurement was expected",
        MeasurementValidation.validate(null, Limits.DEFAULTS).reason());
  }

  @Test
  void shouldRejectAWellFormedRecordWithAnInvalidField() {
    LatencyMeasurement bad = valid();
    bad.setContextLength(0);

    assertEquals(
        "invalid measurement: contextLength must be >= 1, got 0",
        MeasurementValidation.validate(encode(bad), Limits.DEFAULTS).reason());
  }

  /** The case: 2 × 1e308 overflowed the frontier's reference point, failing the job. */
  @Test
  void shouldRejectALatencyBeyondTheLimits() {
    LatencyMeasurement huge = valid();
    huge.setLatencyMs(1e308);

    assertEquals(
        "invalid measurement: latencyMs must be at most 3600000, got 1.0E308",
        MeasurementValidation.validate(encode(huge), Limits.DEFAULTS).reason());
  }

  @Test
  void shouldApplyTheLimitsTheJobWasGiven() {
    Limits tight = Limits.builder().maxContextLength(256).build();

    assertEquals(
        "invalid measurement: contextLength must be at most 256, got 512",
        MeasurementValidation.validate(encode(valid()), tight).reason());
  }
}
