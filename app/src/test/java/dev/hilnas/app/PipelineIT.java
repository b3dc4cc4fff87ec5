package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.app.bench.SyntheticMeasurements;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.producers.ingest.ImportReport;
import dev.hilnas.producers.ingest.Importer;
import dev.hilnas.producers.ingest.MeasurementFile;
import dev.hilnas.producers.kafka.KafkaMeasurementSink;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topics;
import dev.hilnas.sinks.state.MaterializedState;
import dev.hilnas.streams.EmbeddedJob;
import dev.hilnas.streams.JobSettings;
import dev.hilnas.testing.TopicRecords;
import dev.hilnas.testing.WithBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Import → Kafka → Flink with the real broker and MiniCluster: good lines reach the job, bad ones
 * reach hil.dlq with their reason, and a job killed mid-stream and restarted from its checkpoint
 * loses nothing and counts nothing twice.
 */
class PipelineIT extends WithBroker {

  private static Path resource(String name) throws Exception {
    return Path.of(PipelineIT.class.getResource("/" + name).toURI());
  }

  @Test
  void shouldDeliverGoodLinesOnceAndBadOnesToTheDlqAcrossAJobRestart() throws Exception {
    JobSettings settings =
        new JobSettings(
            connection, "it-job", "it-job", Duration.ofMillis(500), Duration.ofMillis(200));
    Path checkpoints = dir.resolve("checkpoints");
    List<Measurement> synthetic = SyntheticMeasurements.generate(6000, 3, 7);
    Map<String, Long> expected = new HashMap<>();

    // Given a running job fed with part A of a file (6 good lines, 1 bad) and a burst of synthetic
    // measurements
    JobClient job = EmbeddedJob.start(settings, checkpoints, 2);
    ImportReport a = importFile(connection, resource("part-a.jsonl"));
    assertEquals(6, a.valid());
    assertEquals(List.of(5L), a.errors().stream().map(ImportReport.LineError::line).toList());
    expected.merge("x86-1thread-numpy/numpy-openblas-fp32", a.valid(), Long::sum);
    publish(connection, synthetic.subList(0, 3000), expected);
    // ... and two records no importer would write: undecodable bytes, and a well-formed invalid one
    LatencyMeasurement invalid = Convert.toAvro(synthetic.get(0));
    invalid.setLatencyMs(-1.0);
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ProducerSettings.reliable(connection, "it-raw"))) {
      producer.send(
          new ProducerRecord<>(Topics.MEASUREMENTS.name(), "k".getBytes(), "garbage".getBytes()));
      producer.send(
          new ProducerRecord<>(
              Topics.MEASUREMENTS.name(),
              "k".getBytes(),
              Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, invalid)));
    }

    // When the job is killed mid-stream, once some of its output is committed
    awaitCounts(
        connection, counts -> counts.values().stream().mapToLong(Long::longValue).sum() > 0);
    publish(connection, synthetic.subList(3000, 4500), expected);
    job.cancel().get(60, TimeUnit.SECONDS);
    // ... more arrives while it is down (part B: 4 good lines, 2 bad), and it restarts from its
    // checkpoint
    ImportReport b = importFile(connection, resource("part-b.jsonl"));
    assertEquals(4, b.valid());
    expected.merge("x86-1thread-numpy/numpy-openblas-fp32", b.valid(), Long::sum);
    publish(connection, synthetic.subList(4500, 6000), expected);
    assertTrue(
        EmbeddedJob.latestCheckpoint(checkpoints).isPresent(),
        "a retained checkpoint to restart from");
    JobClient restarted = EmbeddedJob.start(settings, checkpoints, 2);
    try {
      // Then every target's count is exact: nothing lost, nothing counted twice
      Map<String, Long> counts = awaitCounts(connection, c -> c.equals(expected));
      assertEquals(expected, counts);
      Thread.sleep(1500); // three more checkpoints: a duplicate would show up now
      assertEquals(expected, latestCounts(connection));

      // And every bad record is in hil.dlq exactly once, with its reason
      List<DeadLetter> letters = readDlq(connection, 5);
      Map<String, List<String>> reasons =
          letters.stream()
              .collect(
                  Collectors.groupingBy(
                      d -> d.getComponent(),
                      Collectors.mapping(DeadLetter::getReason, Collectors.toList())));
      assertEquals(
          List.of(
              "line 5: not valid JSON: Unexpected end-of-input: expected close marker for Object",
              "line 2: latencyMs must be a finite number > 0, got NaN",
              "line 6: candidate: attention has 2 letters but layers is 8"),
          reasons.get("import"));
      List<String> flink = reasons.get("flink-validate");
      assertEquals(2, flink.size(), "each bad record once: " + flink);
      assertTrue(
          flink.stream()
              .anyMatch(
                  r ->
                      r.startsWith(
                          "not a LatencyMeasurement in Avro single-object encoding (7 bytes)")),
          flink.toString());
      assertTrue(
          flink.contains("invalid measurement: latencyMs must be a finite number > 0, got -1.0"),
          flink.toString());
      DeadLetter garbage =
          letters.stream()
              .filter(
                  d ->
                      d.getValue() != null
                          && new String(bytes(d), StandardCharsets.UTF_8).equals("garbage"))
              .findFirst()
              .orElseThrow();
      assertEquals(Topics.MEASUREMENTS.name(), garbage.getSourceTopic());
      assertTrue(garbage.getOffset() >= 0, "the source offset is kept");

      // And the query side serves every target's newest model, also after its own restart
      for (int start = 0; start < 2; start++) {
        try (MaterializedState state =
            MaterializedState.start(
                connection, "it-query", dir.resolve("streams"), new SimpleMeterRegistry())) {
          Map<String, Long> served = awaitServed(state, expected);
          assertEquals(expected, served);
          for (LatencyModelSnapshot s : state.models().all()) {
            AdditiveLatencyModel model = state.models().model(s).orElseThrow();
            Measurement any = synthetic.get(0);
            assertTrue(model.predictMs(any.candidate(), any.phase(), any.contextLength()) > 0);
          }
        }
      }
    } finally {
      restarted.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldPublishQualityEvaluationsKeyedByTheirArchitecture() throws Exception {

    ImportReport report = importFile(connection, resource("quality.jsonl"));

    assertEquals(3, report.valid());
    assertEquals(3, report.quality());
    List<ConsumerRecord<byte[], byte[]>> records =
        TopicRecords.readAll(connection, Topics.QUALITY.name());
    assertEquals(3, records.size());
    for (var r : records) {
      QualityEvaluation q = Topics.QUALITY.valueSerde().deserializer().deserialize(null, r.value());
      assertEquals(q.getCandidate().getArchId(), new String(r.key(), StandardCharsets.UTF_8));
      assertEquals(Convert.fromAvro(q).id(), q.getEvaluationId());
    }
  }

  private static byte[] bytes(DeadLetter d) {
    byte[] out = new byte[d.getValue().remaining()];
    d.getValue().duplicate().get(out);
    return out;
  }

  private static ImportReport importFile(KafkaConnection connection, Path file) throws Exception {
    try (var sink = new KafkaMeasurementSink(connection, "it-import", Clock.systemUTC())) {
      return Importer.run(new MeasurementFile(file, Limits.DEFAULTS), sink);
    }
  }

  private static void publish(
      KafkaConnection connection, List<Measurement> ms, Map<String, Long> expected) {
    try (var sink = new KafkaMeasurementSink(connection, "it-synthetic", Clock.systemUTC())) {
      ms.forEach(sink::accept);
      sink.flush();
    }
    ms.forEach(m -> expected.merge(m.target().id(), 1L, Long::sum));
  }

  private static Map<String, Long> latestCounts(KafkaConnection connection) {
    Map<String, Long> counts = new HashMap<>();
    for (var r : TopicRecords.readAll(connection, Topics.LATENCY_MODELS.name())) {
      LatencyModelSnapshot s =
          Topics.LATENCY_MODELS.valueSerde().deserializer().deserialize(null, r.value());
      counts.merge(s.getTargetId(), s.getMeasurements(), Math::max);
    }
    return counts;
  }

  private static Map<String, Long> awaitCounts(
      KafkaConnection connection, Predicate<Map<String, Long>> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Map<String, Long> counts = latestCounts(connection);
    while (!done.test(counts)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "job output never reached the expected state; last seen " + counts);
      }
      Thread.sleep(200);
      counts = latestCounts(connection);
    }
    return counts;
  }

  private static Map<String, Long> awaitServed(MaterializedState state, Map<String, Long> expected)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Map<String, Long> served = Map.of();
    while (System.nanoTime() < deadline) {
      if (state.isRunning()) {
        served =
            state.models().all().stream()
                .collect(
                    Collectors.toMap(s -> s.getTargetId(), LatencyModelSnapshot::getMeasurements));
        if (served.equals(expected)) {
          break;
        }
      }
      Thread.sleep(200);
    }
    return served;
  }

  private static List<DeadLetter> readDlq(KafkaConnection connection, int atLeast)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      List<DeadLetter> letters =
          TopicRecords.readAll(connection, Topics.DLQ.name()).stream()
              .map(r -> Topics.DLQ.valueSerde().deserializer().deserialize(null, r.value()))
              .toList();
      if (letters.size() >= atLeast || System.nanoTime() > deadline) {
        return letters;
      }
      Thread.sleep(200);
    }
  }
}
