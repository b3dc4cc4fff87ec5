package dev.hilnas.streams;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.latency.TrainingPoint;
import dev.hilnas.schemas.AvroCodec;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.LatencyMeasurement;

/**
 * Decides whether bytes from {@code hil.measurements} are an acceptable measurement. Plain Java (no
 * Flink), so it is tested on its own; the Flink operator only routes its verdicts.
 */
public final class MeasurementValidation {

  private static final AvroCodec<LatencyMeasurement> CODEC = AvroCodec.of(LatencyMeasurement.class);

  private MeasurementValidation() {}

  /**
   * The verdict on one record: {@code measurement} and its {@code point} when accepted, else the
   * {@code reason}.
   */
  public record Verdict(LatencyMeasurement measurement, TrainingPoint point, String reason) {
    public boolean accepted() {
      return measurement != null;
    }

    static Verdict rejected(String reason) {
      return new Verdict(null, null, reason);
    }
  }

  /**
   * Decodes and validates, within limits. An accepted measurement comes back normalised (per-layer
   * form, recomputed arch id), so everything downstream sees one canonical form, with its point for
   * the latency model made here, from the measurement already read.
   */
  public static Verdict validate(byte[] value, Limits limits) {
    LatencyMeasurement wire;
    try {
      wire = CODEC.decode(value);
    } catch (IllegalArgumentException e) {
      return Verdict.rejected(e.getMessage());
    } catch (RuntimeException e) {
      return Verdict.rejected("not readable: " + e.getClass().getName() + ": " + e.getMessage());
    }
    try {
      Measurement m = limits.check(Convert.fromAvro(wire));
      LatencyMeasurement canonical = Convert.toAvro(m);
      TrainingPoint point = TrainingPoint.of(m, canonical.getCandidate().getArchId());
      return new Verdict(canonical, point, null);
    } catch (IllegalArgumentException e) {
      return Verdict.rejected("invalid measurement: " + e.getMessage());
    } catch (RuntimeException e) {
      // whatever else a record makes conversion throw is the record's fault too: the validation
      // never throws, so no record can fail the job at its door
      return Verdict.rejected(
          "invalid measurement: " + e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
