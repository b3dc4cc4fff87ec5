package dev.hilnas.schemas;

import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Every topic of hilnas (docs/contracts.md). No topic name appears anywhere else. */
public final class Topics {
  private Topics() {}

  private static final Serde<String> KEY = Serdes.String();

  /**
   * Candidates the search wants measured; key = arch id. Kept for ever: it is the search's memory
   * of what it requested, read back on every start.
   */
  public static final Topic<String, CandidateRequest> CANDIDATES =
      new Topic<>(
          "hil.candidates", KEY, new AvroSerde<>(CandidateRequest.class), 4, false, Topic.FOREVER);

  /**
   * Latency measurements; key = target id, so one target's stream stays ordered. Kept 30 days: the
   * job holds what it needs in its state, and a job started without it refits on a month.
   */
  public static final Topic<String, LatencyMeasurement> MEASUREMENTS =
      new Topic<>(
          "hil.measurements",
          KEY,
          new AvroSerde<>(LatencyMeasurement.class),
          4,
          false,
          Topic.days(30));

  /**
   * Quality evaluations; key = arch id. Kept for ever: each holds for every target, is costly to
   * redo, and a job started without its state needs them all.
   */
  public static final Topic<String, QualityEvaluation> QUALITY =
      new Topic<>(
          "hil.quality", KEY, new AvroSerde<>(QualityEvaluation.class), 4, false, Topic.FOREVER);

  /** Latest latency model per target; key = target id. */
  public static final Topic<String, LatencyModelSnapshot> LATENCY_MODELS =
      new Topic<>(
          "hil.latency-models",
          KEY,
          new AvroSerde<>(LatencyModelSnapshot.class),
          4,
          true,
          Topic.FOREVER);

  /** Latest frontier per (target, objective); key = {@code targetId|objective}. */
  public static final Topic<String, FrontierUpdate> FRONTIERS =
      new Topic<>(
          "hil.frontiers", KEY, new AvroSerde<>(FrontierUpdate.class), 4, true, Topic.FOREVER);

  /**
   * Records that could not be accepted, with the reason; key = source topic. Kept 90 days, longer
   * than what they failed on: operators look into it late, and the search counts failed attempts
   * from it.
   */
  public static final Topic<String, DeadLetter> DLQ =
      new Topic<>("hil.dlq", KEY, new AvroSerde<>(DeadLetter.class), 1, false, Topic.days(90));

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
