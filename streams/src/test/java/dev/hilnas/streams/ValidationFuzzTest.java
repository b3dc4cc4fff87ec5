package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Limits;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.MeasurementJson;
import dev.hilnas.schemas.json.QualityJson;
import dev.hilnas.testing.HostileInput;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The job's validation under fuzz, on what raw bytes on hil.measurements and hil.quality can be:
 * random bytes, valid records cut short or with bytes flipped, and records whose every field was
 * written by a producer that skipped validation. Each comes out accepted or with a reason for the
 * DLQ; nothing throws, so nothing a producer writes can fail the job at its door.
 */
class ValidationFuzzTest {

  @Provide
  Arbitrary<byte[]> measurementBytes() {
    LatencyMeasurement valid =
        Convert.toAvro(MeasurementJson.parse(HostileInput.MEASUREMENTS.get(1), Limits.DEFAULTS));
    byte[] encoded = Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, valid);
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(400),
        Arbitraries.randoms().map(r -> damaged(encoded, r)),
        Arbitraries.randoms().map(r -> unvalidated(valid, r)));
  }

  @Provide
  Arbitrary<byte[]> qualityBytes() {
    QualityEvaluation valid =
        Convert.toAvro(QualityJson.parse(HostileInput.QUALITY.get(0), Limits.DEFAULTS));
    byte[] encoded = Topics.QUALITY.valueSerde().serializer().serialize(null, valid);
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(400),
        Arbitraries.randoms().map(r -> damaged(encoded, r)),
        Arbitraries.randoms().map(r -> unvalidated(valid, r)));
  }

  @Property(tries = 1000)
  void shouldAcceptOrGiveAReasonForAnyBytesOnTheMeasurementsTopic(
      @ForAll("measurementBytes") byte[] bytes) {
    MeasurementValidation.Verdict verdict = MeasurementValidation.validate(bytes, Limits.DEFAULTS);
    assertTrue(verdict.accepted() ^ verdict.reason() != null);
    assertFalse(verdict.reason() != null && verdict.reason().isBlank(), "a reason says why");
  }

  @Property(tries = 1000)
  void shouldAcceptOrGiveAReasonForAnyBytesOnTheQualityTopic(@ForAll("qualityBytes") byte[] bytes) {
    QualityValidation.Verdict verdict = QualityValidation.validate(bytes, Limits.DEFAULTS);
    assertTrue(verdict.accepted() ^ verdict.reason() != null);
    assertFalse(verdict.reason() != null && verdict.reason().isBlank(), "a reason says why");
  }

  /** A valid encoding cut short, or with a few bytes flipped (lengths and counts included). */
  private static byte[] damaged(byte[] encoded, Random r) {
    if (r.nextBoolean()) {
      return java.util.Arrays.copyOf(encoded, r.nextInt(encoded.length));
    }
    byte[] out = encoded.clone();
    for (int i = 0; i < 1 + r.nextInt(4); i++) {
      out[10 + r.nextInt(out.length - 10)] = (byte) r.nextInt(256); // past the header
    }
    return out;
  }

  /** A record with one field set to what a producer that skipped validation may write. */
  private static byte[] unvalidated(LatencyMeasurement valid, Random r) {
    LatencyMeasurement m = LatencyMeasurement.newBuilder(valid).build();
    double[] numbers = {1e308, -1, 0, Double.NaN, Double.POSITIVE_INFINITY, 4.9e-324};
    int[] counts = {0, -1, Integer.MAX_VALUE, 2_000_000, 65_537};
    switch (r.nextInt(6)) {
      case 0 -> m.setLatencyMs(numbers[r.nextInt(numbers.length)]);
      case 1 -> m.setContextLength(counts[r.nextInt(counts.length)]);
      case 2 -> m.getCandidate().setDModel(counts[r.nextInt(counts.length)]);
      case 3 -> m.getCandidate().setVocabSize(counts[r.nextInt(counts.length)]);
      case 4 -> m.setMeasurementId("x".repeat(r.nextInt(100_000)));
      default -> m.getCandidate().setLayers(java.util.List.of());
    }
    return Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, m);
  }

  private static byte[] unvalidated(QualityEvaluation valid, Random r) {
    QualityEvaluation q = QualityEvaluation.newBuilder(valid).build();
    double[] numbers = {1e308, -1, 0, Double.NaN, Double.NEGATIVE_INFINITY};
    switch (r.nextInt(3)) {
      case 0 -> q.setValue(numbers[r.nextInt(numbers.length)]);
      case 1 -> q.setMetric("x".repeat(r.nextInt(1000)));
      default -> q.getCandidate().setHeadDim(r.nextInt(3) - 1);
    }
    return Topics.QUALITY.valueSerde().serializer().serialize(null, q);
  }
}
