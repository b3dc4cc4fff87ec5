package dev.hilnas.streams;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Quality;
import dev.hilnas.schemas.AvroCodec;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.QualityEvaluation;

/**
 * Decides whether bytes from {@code hil.quality} are an acceptable evaluation: decodable,
 * perplexity, finite, > 0 and within the limits. Plain Java; the Flink operator only routes its
 * verdicts.
 */
public final class QualityValidation {

  private static final AvroCodec<QualityEvaluation> CODEC = AvroCodec.of(QualityEvaluation.class);

  private QualityValidation() {}

  /** The verdict on one record: exactly one of {@code quality} and {@code reason} is set. */
  public record Verdict(QualityEvaluation quality, String reason) {
    public boolean accepted() {
      return quality != null;
    }
  }

  /** Decodes and validates, within limits; an accepted evaluation comes back in canonical form. */
  public static Verdict validate(byte[] value, Limits limits) {
    QualityEvaluation wire;
    try {
      wire = CODEC.decode(value);
    } catch (IllegalArgumentException e) {
      return new Verdict(null, e.getMessage());
    } catch (RuntimeException e) {
      return new Verdict(null, "not readable: " + e.getClass().getName() + ": " + e.getMessage());
    }
    try {
      Quality q = limits.check(Convert.fromAvro(wire));
      return new Verdict(Convert.toAvro(q), null);
    } catch (IllegalArgumentException e) {
      return new Verdict(null, "invalid quality evaluation: " + e.getMessage());
    } catch (RuntimeException e) {
      // whatever else a record makes conversion throw is the record's fault too: the validation
      // never throws, so no record can fail the job at its door
      return new Verdict(
          null, "invalid quality evaluation: " + e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
