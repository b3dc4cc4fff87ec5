package dev.hilnas.streams;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
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

  /** The verdict on one record: exactly one of {@code measurement} and {@code reason} is set. */
  public record Verdict(LatencyMeasurement measurement, String reason) {
    public boolean accepted() {
      return measurement != null;
    }
  }

  /**
   * Decodes and validates, within limits. An accepted measurement comes back normalised (per-layer
   * form, recomputed arch id), so everything downstream sees one canonical form.
   */
  public static Verdict validate(byte[] value, Limits limits) {
    LatencyMeasurement wire;
    try {
      wire = CODEC.decode(value);
    } catch (IllegalArgumentException e) {
      return new Verdict(null, e.getMessage());
    } catch (RuntimeException e) {
      return new Verdict(null, "not readable: " + e.getClass().getName() + ": " + e.getMessage());
    }
    try {
      Measurement m = limits.check(Convert.fromAvro(wire));
      return new Verdict(Convert.toAvro(m), null);
    } catch (IllegalArgumentException e) {
      return new Verdict(null, "invalid measurement: " + e.getMessage());
    } catch (RuntimeException e) {
      // whatever else a record makes conversion throw is the record's fault too: the validation
      // never throws, so no record can fail the job at its door
      return new Verdict(
          null, "invalid measurement: " + e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
