package dev.hilnas.schemas;

import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Every topic of hilnas (docs/contracts.md). No topic name appears anywhere else. */
public final class Topics {
  private Topics() {}

  private static final Serde<String> KEY = Serdes.String();

  /** Candidates the search wants measured; key = arch id. */
  public static final Topic<String, CandidateRequest> CANDIDATES =
      new Topic<>("hil.candidates", KEY, new AvroSerde<>(CandidateRequest.class), 4, false);

  /** Latency measurements; key = target id, so one target's stream stays ordered. */
  public static final Topic<String, LatencyMeasurement> MEASUREMENTS =
      new Topic<>("hil.measurements", KEY, new AvroSerde<>(LatencyMeasurement.class), 4, false);

  /** Quality evaluations; key = arch id. */
  public static final Topic<String, QualityEvaluation> QUALITY =
      new Topic<>("hil.quality", KEY, new AvroSerde<>(QualityEvaluation.class), 4, false);

  /** Latest latency model per target; key = target id. */
  public static final Topic<String, LatencyModelSnapshot> LATENCY_MODELS =
      new Topic<>("hil.latency-models", KEY, new AvroSerde<>(LatencyModelSnapshot.class), 4, true);

  /** Latest frontier per (target, objective); key = {@code targetId|objective}. */
  public static final Topic<String, FrontierUpdate> FRONTIERS =
      new Topic<>("hil.frontiers", KEY, new AvroSerde<>(FrontierUpdate.class), 4, true);

  /** Records that could not be accepted, with the reason; key = source topic. */
  public static final Topic<String, DeadLetter> DLQ =
      new Topic<>("hil.dlq", KEY, new AvroSerde<>(DeadLetter.class), 1, false);

  public static final List<Topic<?, ?>> ALL =
      List.of(CANDIDATES, MEASUREMENTS, QUALITY, LATENCY_MODELS, FRONTIERS, DLQ);

  /** The topic called {@code name}; for code that can only ship a name (e.g. Flink sinks). */
  @SuppressWarnings("unchecked")
  public static <V> Topic<String, V> byName(String name) {
    return (Topic<String, V>)
        ALL.stream()
            .filter(t -> t.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no topic named " + name));
  }
}
