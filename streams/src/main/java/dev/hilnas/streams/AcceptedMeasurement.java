package dev.hilnas.streams;

import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.TrainingPoint;
import dev.hilnas.schemas.AvroCodec;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.LatencyMeasurement;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A measurement validation accepted, as the job passes it on: the id of its target, which keys
 * every operator after validation, its id (repeats are dropped by it), what the frontiers read of
 * it, the point the latency model learns from, and its canonical form in single-object Avro, as on
 * {@code hil.measurements}. It crosses the shuffles as bytes: the refit operator holds them as they
 * are, where an Avro record cost an encoding and a decoding for each operator it crossed and one
 * more encoding to be held (together about 10% of a bench ingest profile); the frontiers need four
 * fields, and decoding the rest for them was 3%. The point is made by validation, which has read
 * the measurement: decoding and converting it again in the refit operator took 30% of that
 * operator's thread, the job's busiest, in a profile of bench ingest.
 *
 * @param contextLength with {@code phase}, the objective the latency belongs to
 * @param point what the target's latency model learns from it; null past the refit operator, which
 *     alone needs it
 * @param encoded never changed once made: operators and state share it
 */
public record AcceptedMeasurement(
    String targetId,
    String measurementId,
    String archId,
    Phase phase,
    int contextLength,
    double latencyMs,
    TrainingPoint point,
    byte[] encoded) {

  static final TypeInformation<AcceptedMeasurement> TYPE =
      TypeInformation.of(AcceptedMeasurement.class);

  private static final AvroCodec<LatencyMeasurement> CODEC = AvroCodec.of(LatencyMeasurement.class);

  /**
   * A measurement in the canonical form validation leaves it in, with the point validation made of
   * it.
   */
  static AcceptedMeasurement of(LatencyMeasurement m, TrainingPoint point) {
    return new AcceptedMeasurement(
        MeasurementJob.targetId(m),
        m.getMeasurementId().toString(),
        m.getCandidate().getArchId(),
        Convert.fromAvro(m.getPhase()),
        m.getContextLength(),
        m.getLatencyMs(),
        point,
        CODEC.encode(m));
  }

  /** As passed on past the refit operator: without the point, which nothing there reads. */
  AcceptedMeasurement withoutPoint() {
    return new AcceptedMeasurement(
        targetId, measurementId, archId, phase, contextLength, latencyMs, null, encoded);
  }

  Objective objective() {
    return new Objective(phase, contextLength);
  }

  LatencyMeasurement decode() {
    return CODEC.decode(encoded);
  }
}
