package dev.hilnas.streams;

import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.schemas.AvroCodec;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.LatencyMeasurement;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A measurement validation accepted, as the job passes it on: the id of its target, which keys
 * every operator after validation, what the frontiers read of it, and its canonical form in
 * single-object Avro, as on {@code hil.measurements}. It crosses the shuffles as bytes: the refit
 * operator holds them as they are, where an Avro record cost an encoding and a decoding for each
 * operator it crossed and one more encoding to be held (together about 10% of a bench ingest
 * profile); the frontiers need four fields, and decoding the rest for them was 3%.
 *
 * @param contextLength with {@code phase}, the objective the latency belongs to
 * @param encoded never changed once made: operators and state share it
 */
public record AcceptedMeasurement(
    String targetId,
    String archId,
    Phase phase,
    int contextLength,
    double latencyMs,
    byte[] encoded) {

  static final TypeInformation<AcceptedMeasurement> TYPE =
      TypeInformation.of(AcceptedMeasurement.class);

  private static final AvroCodec<LatencyMeasurement> CODEC = AvroCodec.of(LatencyMeasurement.class);

  /** A measurement in the canonical form validation leaves it in. */
  static AcceptedMeasurement of(LatencyMeasurement m) {
    return new AcceptedMeasurement(
        MeasurementJob.targetId(m),
        m.getCandidate().getArchId(),
        Convert.fromAvro(m.getPhase()),
        m.getContextLength(),
        m.getLatencyMs(),
        CODEC.encode(m));
  }

  Objective objective() {
    return new Objective(phase, contextLength);
  }

  LatencyMeasurement decode() {
    return CODEC.decode(encoded);
  }
}
