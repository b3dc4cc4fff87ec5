package dev.hilnas.app.bench;

import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Quality;
import dev.hilnas.core.Statistics;
import dev.hilnas.producers.kafka.ConsumerSettings;
import dev.hilnas.producers.kafka.KafkaMeasurementSink;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.Topics;
import dev.hilnas.streams.JobSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Throughput of ingest: N measurements through import → Kafka → Flink validation and per-target
 * state, until the job's committed (exactly-once) snapshots account for all N; next to a raw Kafka
 * produce + consume of the same serialized records, in the same run, on the same broker.
 */
public final class IngestBenchmark {

  /** A scratch topic only this benchmark uses: the baseline must not feed the job. */
  private static final String RAW_TOPIC = "bench.raw-measurements";

  /**
   * @param freshness per offered rate, in the order asked; empty when none was asked
   */
  public record Result(
      int records,
      int targets,
      int evaluations,
      List<Double> rawPerSecond,
      List<Double> pipelinePerSecond,
      List<Freshness.Result> freshness) {
    public double rawMedian() {
      return Statistics.median(rawPerSecond);
    }

    public double pipelineMedian() {
      return Statistics.median(pipelinePerSecond);
    }
  }

  /**
   * @param refitInterval the job's refit interval
   * @param frontierInterval the job's frontier publish interval (0: after each record)
   * @param freshnessRates offered rates (records/s) to measure freshness at, after the throughput
   *     rounds; 0 stands for the pipeline's median throughput just measured. Empty: none, and no
   *     query service runs
   * @param freshnessFor how long each rate is offered, at most {@code records} records
   * @param evaluations quality evaluations of random candidates sent before the rounds, for every
   *     target's frontiers to hold: each new model re-ranks them
   */
  public static Result run(
      int records,
      int targets,
      int evaluations,
      int repeat,
      Duration checkpointInterval,
      Duration refitInterval,
      Duration frontierInterval,
      List<Double> freshnessRates,
      Duration freshnessFor,
      LongConsumer onRepetition)
      throws Exception {
    Path dir = Files.createTempDirectory("hilnas-bench");
    List<Double> raw = new ArrayList<>();
    List<Double> pipeline = new ArrayList<>();
    List<Freshness.Result> freshness = new ArrayList<>();
    try (Stack stack =
        Stack.start(
            new Stack.Options(
                dir,
                null,
                false,
                0,
                freshnessRates.isEmpty() ? -1 : 0,
                HttpSettings.DEFAULTS,
                2,
                checkpointInterval,
                refitInterval,
                JobSettings.DEFAULT_OBJECTIVES,
                null,
                true,
                Limits.DEFAULTS,
                0,
                frontierInterval))) {
      KafkaConnection kafka = KafkaConnection.to(stack.bootstrapServers());
      evaluate(kafka, evaluations, 7);
      Rounds rounds = rounds(kafka, (short) 1, records, targets, repeat, onRepetition);
      raw.addAll(rounds.raw());
      pipeline.addAll(rounds.pipeline());
      long expected = rounds.counted();
      long seed = 1000;
      for (double rate : freshnessRates) {
        double offered = rate > 0 ? rate : Statistics.median(pipeline);
        int n = (int) Math.max(1, Math.min(records, offered * freshnessFor.toMillis() / 1000));
        List<Measurement> measurements = SyntheticMeasurements.generate(n, targets, seed++);
        freshness.add(
            Freshness.measure(
                kafka, stack.httpUrl(), expected, freshness.size(), measurements, offered));
        expected += n + Freshness.placed(n);
      }
    } finally {
      deleteQuietly(dir);
    }
    return new Result(records, targets, evaluations, raw, pipeline, freshness);
  }

  /**
   * Sends quality evaluations of {@code count} random candidates (bigger is better, with noise), as
   * a long-running search leaves them; the job broadcasts them to every target. Their perplexities
   * (100 and up) are worse than the freshness probes' (10 and below), so they never hide a probe
   * from {@link FrontierProbes}.
   */
  static void evaluate(KafkaConnection kafka, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    try (KafkaMeasurementSink sink =
        new KafkaMeasurementSink(kafka, "bench-evaluations", Clock.systemUTC())) {
      for (int i = 0; i < count; i++) {
        Candidate c = SyntheticMeasurements.candidate(random);
        double perplexity =
            100 + 1e5 / Math.sqrt(c.parameterCount()) * (1 + 0.1 * random.nextDouble());
        sink.accept(new Quality("bench-eval-" + i, c, Quality.PERPLEXITY, perplexity, null, null));
      }
      sink.flush();
    }
  }

  /**
   * What {@link #rounds} measured: records per second of each repetition, and how many measurements
   * the job has counted since it started.
   */
  public record Rounds(List<Double> raw, List<Double> pipeline, long counted) {}

  /**
   * Against a job that has counted nothing yet: a warm-up round, then {@code repeat} rounds of
   * {@code records} new measurements each, the raw baseline (on a scratch topic of the same
   * partitions) and the pipeline taking turns.
   */
  public static Rounds rounds(
      KafkaConnection kafka,
      short replication,
      int records,
      int targets,
      int repeat,
      LongConsumer onRepetition)
      throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin
          .createTopics(
              List.of(new NewTopic(RAW_TOPIC, Topics.MEASUREMENTS.partitions(), replication)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    // Warm-up: one small round of each, so JIT and the job's first checkpoint are out of the way.
    // Every round sends new measurements: the job drops a measurement id it has seen before.
    int warm = Math.min(records, 5000);
    List<Measurement> warmUp = SyntheticMeasurements.generate(warm, targets, 41);
    rawRound(kafka, serialize(warmUp));
    pipelineRound(kafka, warmUp, warm);
    long expected = warm;
    List<Double> raw = new ArrayList<>();
    List<Double> pipeline = new ArrayList<>();
    for (int i = 0; i < repeat; i++) {
      List<Measurement> measurements = SyntheticMeasurements.generate(records, targets, 42 + i);
      raw.add(rawRound(kafka, serialize(measurements)));
      expected += records;
      pipeline.add(pipelineRound(kafka, measurements, expected));
      onRepetition.accept(i + 1);
    }
    return new Rounds(raw, pipeline, expected);
  }

  private static List<byte[][]> serialize(List<Measurement> measurements) {
    List<byte[][]> serialized = new ArrayList<>(measurements.size());
    for (Measurement m : measurements) {
      serialized.add(
          new byte[][] {
            m.target().id().getBytes(StandardCharsets.UTF_8),
            Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, Convert.toAvro(m))
          });
    }
    return serialized;
  }

  /** Records per second of producing the pre-serialized records and consuming them back. */
  private static double rawRound(KafkaConnection kafka, List<byte[][]> records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(ProducerSettings.reliable(kafka, "bench-raw"));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(kafka))) {
      List<TopicPartition> partitions = partitions(consumer, RAW_TOPIC);
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      long start = System.nanoTime();
      for (byte[][] r : records) {
        producer.send(new ProducerRecord<>(RAW_TOPIC, r[0], r[1]));
      }
      producer.flush();
      long seen = 0;
      while (seen < records.size()) {
        seen += consumer.poll(Duration.ofMillis(100)).count();
      }
      return records.size() / seconds(start);
    }
  }

  /**
   * Records per second from the first import until the job's committed snapshots count them all.
   */
  private static double pipelineRound(
      KafkaConnection kafka, List<Measurement> records, long expectedTotal) throws Exception {
    try (KafkaConsumer<byte[], byte[]> snapshots = models(kafka);
        KafkaMeasurementSink sink =
            new KafkaMeasurementSink(kafka, "bench-import", Clock.systemUTC())) {
      long start = System.nanoTime();
      for (Measurement m : records) {
        sink.accept(m);
      }
      sink.flush();
      awaitCounted(snapshots, expectedTotal, Duration.ofMinutes(10));
      return records.size() / seconds(start);
    }
  }

  /** A reader of every committed latency model snapshot, from the topic's beginning. */
  static KafkaConsumer<byte[], byte[]> models(KafkaConnection kafka) {
    KafkaConsumer<byte[], byte[]> snapshots = new KafkaConsumer<>(consumerProps(kafka));
    List<TopicPartition> partitions = partitions(snapshots, Topics.LATENCY_MODELS.name());
    snapshots.assign(partitions);
    snapshots.seekToBeginning(partitions);
    return snapshots;
  }

  /**
   * Reads {@code models} until the targets' newest snapshots count {@code total} measurements
   * together.
   *
   * @throws IllegalStateException when they do not within {@code within}
   */
  static void awaitCounted(KafkaConsumer<byte[], byte[]> models, long total, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    Map<String, Long> perTarget = new HashMap<>();
    while (perTarget.values().stream().mapToLong(Long::longValue).sum() < total) {
      for (ConsumerRecord<byte[], byte[]> r : models.poll(Duration.ofMillis(50))) {
        LatencyModelSnapshot s =
            Topics.LATENCY_MODELS.valueSerde().deserializer().deserialize(null, r.value());
        perTarget.merge(s.getTargetId(), s.getMeasurements(), Math::max);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the job did not count all " + total + " measurements within " + within);
      }
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> out = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic)) {
      out.add(new TopicPartition(topic, p.partition()));
    }
    return out;
  }

  private static Properties consumerProps(KafkaConnection kafka) {
    Properties p = ConsumerSettings.committedBytes(kafka);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    return p;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Removes a benchmark's scratch directory; one left behind is harmless. */
  public static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // a temp dir left behind is harmless
    }
  }
}
