package dev.hilnas.app.bench.chaos;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topics;
import dev.hilnas.streams.JobSettings;
import dev.hilnas.streams.MeasurementValidation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the job made of its input, recomputed from the topics once the stream has drained: the
 * measurements on {@code hil.measurements} (committed ones, validated as the job validates them),
 * each target's count in its newest model snapshot, the dead letters, and every frontier rebuilt in
 * one batch ({@link TargetFrontiers}) from the measurements, the quality evaluations and the final
 * models, to compare with the job's newest {@code hil.frontiers} record.
 */
public final class ChaosCheck {

  /** Per target: distinct valid measurement ids on the input topic, in the order the job read. */
  final Map<String, LinkedHashMap<String, Measurement>> input = new HashMap<>();

  /** Valid records on the input topic whose id was there before (the job must drop them). */
  long repeatedRecords;

  /** Records on the input topic validation refuses. */
  long invalidRecords;

  /** SHA-256 of the value of each dead letter from hil.measurements. */
  final List<String> deadLetters = new ArrayList<>();

  /** Each target's newest model snapshot. */
  final Map<String, LatencyModelSnapshot> models = new HashMap<>();

  /** Snapshots whose version did not grow past the one before (a replayed publication). */
  long repeatedVersions;

  private final KafkaConnection kafka;

  ChaosCheck(String bootstrap) {
    this.kafka = KafkaConnection.to(bootstrap);
  }

  /** Reads the input topic, the models and the DLQ. */
  ChaosCheck read() {
    for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, Topics.MEASUREMENTS.name())) {
      MeasurementValidation.Verdict v = MeasurementValidation.validate(r.value(), Limits.DEFAULTS);
      if (!v.accepted()) {
        invalidRecords++;
        continue;
      }
      Measurement m = Convert.fromAvro(v.measurement());
      var byId = input.computeIfAbsent(m.target().id(), t -> new LinkedHashMap<>());
      if (byId.putIfAbsent(m.id(), m) != null) {
        repeatedRecords++;
      }
    }
    models.clear();
    repeatedVersions = 0;
    models.putAll(latestModels(kafka));
    for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, Topics.DLQ.name())) {
      DeadLetter d = Topics.DLQ.valueSerde().deserializer().deserialize(null, r.value());
      if (d.getSourceTopic().toString().equals(Topics.MEASUREMENTS.name())
          && d.getValue() != null) {
        deadLetters.add(ChaosStream.sha256(bytes(d.getValue())));
      }
    }
    return this;
  }

  /** Each target's measurement count in its newest snapshot on hil.latency-models. */
  public static Map<String, Long> latestCounts(String bootstrap) {
    Map<String, Long> counts = new TreeMap<>();
    latestModels(KafkaConnection.to(bootstrap))
        .forEach((t, s) -> counts.put(t, s.getMeasurements()));
    return counts;
  }

  /**
   * Each target's newest snapshot; throws when a target's versions do not grow (a snapshot
   * published twice).
   */
  public static Map<String, LatencyModelSnapshot> latestModels(KafkaConnection kafka) {
    Map<String, LatencyModelSnapshot> latest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, Topics.LATENCY_MODELS.name())) {
      LatencyModelSnapshot s =
          Topics.LATENCY_MODELS.valueSerde().deserializer().deserialize(null, r.value());
      String target = s.getTargetId().toString();
      LatencyModelSnapshot before = latest.get(target);
      if (before != null && s.getVersion() <= before.getVersion()) {
        throw new IllegalStateException(
            target + ": version " + s.getVersion() + " after " + before.getVersion());
      }
      latest.put(target, s);
    }
    return latest;
  }

  /** What the job should count per target: the distinct valid ids on its input. */
  Map<String, Long> expectedCounts() {
    Map<String, Long> out = new TreeMap<>();
    input.forEach((t, ids) -> out.put(t, (long) ids.size()));
    return out;
  }

  Map<String, Long> countedCounts() {
    Map<String, Long> out = new TreeMap<>();
    models.forEach((t, s) -> out.put(t, s.getMeasurements()));
    return out;
  }

  boolean onInput(String target, String id) {
    var ids = input.get(target);
    return ids != null && ids.containsKey(id);
  }

  /** A frontier the job published that a batch recomputation does not give, or that is missing. */
  record FrontierDifference(String target, String objective, String what) {}

  /**
   * Every target's frontiers, rebuilt in one batch from the measurements on the input (in the order
   * the job read them, repeats dropped), every quality evaluation and the target's final model,
   * next to the job's newest frontier of each (target, objective).
   */
  List<FrontierDifference> compareFrontiers() {
    List<Objective> objectives =
        JobSettings.DEFAULT_OBJECTIVES.stream().map(Objective::parse).toList();
    Map<String, QualityEvaluation> qualities = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, Topics.QUALITY.name())) {
      QualityEvaluation q = Topics.QUALITY.valueSerde().deserializer().deserialize(null, r.value());
      qualities.put(q.getCandidate().getArchId().toString(), q);
    }
    Map<String, FrontierUpdate> published = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, Topics.FRONTIERS.name())) {
      FrontierUpdate u = Topics.FRONTIERS.valueSerde().deserializer().deserialize(null, r.value());
      published.put(u.getTargetId() + "|" + u.getObjective(), u);
    }
    List<FrontierDifference> differences = new ArrayList<>();
    for (var e : input.entrySet()) {
      String target = e.getKey();
      TargetFrontiers batch = TargetFrontiers.of(target, objectives);
      qualities.values().forEach(q -> batch.add(Convert.fromAvro(q)));
      e.getValue().values().forEach(batch::add);
      LatencyModelSnapshot model = models.get(target);
      if (model != null) {
        ModelSnapshots.model(model).ifPresent(batch::setModel);
      }
      for (Objective o : objectives) {
        List<String> expected = describe(batch.frontier(o).points());
        FrontierUpdate job = published.get(target + "|" + o);
        List<String> actual = job == null ? List.of() : describe(job);
        if (!expected.equals(actual)) {
          differences.add(
              new FrontierDifference(
                  target, o.toString(), "job " + actual + " vs batch " + expected));
        }
      }
    }
    return differences;
  }

  /**
   * (candidate, objective) cells with more measurements than a frontier keeps: there the median
   * depends on the order the job met them in, which the batch cannot know.
   */
  long cellsBeyondKeptRepeats() {
    Map<String, Integer> cells = new HashMap<>();
    input
        .values()
        .forEach(
            ids ->
                ids.values()
                    .forEach(
                        m ->
                            cells.merge(
                                m.target().id()
                                    + "|"
                                    + m.candidate().archId()
                                    + "|"
                                    + m.objective(),
                                1,
                                Integer::sum)));
    return cells.values().stream().filter(n -> n > TargetFrontiers.KEPT_REPEATS).count();
  }

  private static List<String> describe(List<FrontierPoint> points) {
    return points.stream()
        .sorted(Comparator.comparing(FrontierPoint::archId))
        .map(p -> p.archId() + "@" + p.latencyMs() + "/" + p.source() + "/" + p.quality())
        .toList();
  }

  private static List<String> describe(FrontierUpdate u) {
    List<FrontierPoint> points = new ArrayList<>();
    for (var p : u.getPoints()) {
      points.add(
          new FrontierPoint(
              Convert.fromAvro(p.getCandidate()).archId(),
              p.getCandidateId() == null ? null : p.getCandidateId().toString(),
              p.getLatencyMs(),
              LatencySource.valueOf(p.getLatencySource().name()),
              p.getQuality()));
    }
    return describe(points);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** Every committed record of the topic as it stands now, partition by partition in order. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaConnection kafka, String topic) {
    Properties p = kafka.clientProperties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    try (var consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      while (parts.stream().anyMatch(i -> consumer.position(i) < end.get(i))) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }
}
