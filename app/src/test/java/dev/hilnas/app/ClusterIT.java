package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.bench.SyntheticMeasurements;
import dev.hilnas.app.bench.chaos.ChaosCheck;
import dev.hilnas.app.cli.HilnasCommand;
import dev.hilnas.cluster.ClusterProcess;
import dev.hilnas.cluster.Faults;
import dev.hilnas.cluster.FlinkJobs;
import dev.hilnas.cluster.LocalCluster;
import dev.hilnas.cluster.Role;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Quality;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.testing.TopicRecords;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a cluster of real processes that {@code hilnas cluster up} starts — 3 Kafka
 * brokers, a Flink JobManager and 2 TaskManagers on Flink's own jars, the query service — while a
 * producer streams measurements: the leader of a hil.measurements partition and then a TaskManager
 * running the job are killed (SIGKILL) and started again. When the stream has drained, every
 * target's model counts exactly the measurements Kafka acknowledged, and frontiers are published.
 */
class ClusterIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int TARGETS = 4;

  @TempDir Path dir;

  @Test
  void everyAcknowledgedMeasurementIsCountedOnceThroughABrokerAndATaskManagerKilled()
      throws Exception {
    JsonNode cluster =
        Json.MAPPER.readTree(
            cli(
                "cluster",
                "up",
                "--dir",
                dir.toString(),
                "--json",
                "--brokers",
                "3",
                "--taskmanagers",
                "2",
                "--kafka-lib",
                "../cluster/target/kafka-lib",
                "--flink-lib",
                "../cluster/target/flink-lib",
                "--job-jar",
                jobJar().toString()));
    Thread stopOnExit =
        new Thread(() -> cli("cluster", "down", "--dir", dir.toString(), "--grace", "20s"));
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    String bootstrap = cluster.get("bootstrap").asText();
    String jobManager = cluster.get("jobmanager").asText();
    String query = cluster.get("query").asText();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      // Given the topics, the internal ones included, on 3 replicas of which a write needs 2
      assertReplicated(admin);
      List<Measurement> synthetic = SyntheticMeasurements.generate(20_000, TARGETS, 11);
      publishQuality(bootstrap, synthetic);

      // When a producer streams measurements ...
      try (MeasurementStream stream = new MeasurementStream(bootstrap, synthetic)) {
        Thread.sleep(8_000);
        // ... the leader of the busiest hil.measurements partition is killed and restarted
        int leader = Faults.leaderOfBusiestPartition(admin, Topics.MEASUREMENTS.name());
        kill(Role.BROKER, leader);
        Thread.sleep(5_000);
        LocalCluster.restart(dir, Role.BROKER, leader);
        Thread.sleep(5_000);
        // ... then a TaskManager running the job
        int taskManager =
            FlinkJobs.taskManagerRunning(
                jobManager, FlinkJobs.runningJob(jobManager).orElseThrow(), "per-target");
        long killed = System.nanoTime();
        kill(Role.TASKMANAGER, taskManager);
        assertTrue(
            FlinkJobs.awaitRestarted(jobManager, Duration.ofMinutes(3)),
            "the job ran again within 3 minutes");
        System.out.printf(
            "ClusterIT: the job ran again %.1f s after TaskManager %d was killed%n",
            (System.nanoTime() - killed) / 1e9, taskManager);
        LocalCluster.restart(dir, Role.TASKMANAGER, taskManager);
        Thread.sleep(5_000);
        stream.stop();
        assertEquals(0, stream.failed.get(), "Kafka acknowledged every measurement");
        Map<String, Long> acknowledged = stream.acknowledged();
        System.out.printf("ClusterIT: %s measurements acknowledged%n", acknowledged);

        // Then every target's model counts exactly what was acknowledged ...
        long drained = System.nanoTime();
        Map<String, Long> counted =
            await(() -> ChaosCheck.latestCounts(bootstrap), acknowledged, Duration.ofMinutes(3));
        System.out.printf(
            "ClusterIT: the job's output accounted for all of them %.1f s after the stream stopped%n",
            (System.nanoTime() - drained) / 1e9);
        assertEquals(acknowledged, counted);
        // ... each snapshot was published once (a replayed one would repeat its version, which
        // latestModels refuses) ...
        assertEquals(
            acknowledged.keySet(),
            ChaosCheck.latestModels(KafkaConnection.to(bootstrap)).keySet()); // throws if not
        // ... the query service serves the same counts ...
        assertEquals(
            acknowledged, await(() -> servedCounts(query), acknowledged, Duration.ofMinutes(1)));
        // ... frontiers are published for every target, and no record was dead-lettered
        assertFrontiersFor(bootstrap, acknowledged.keySet());
        List<String> deadLetters =
            TopicRecords.readAll(KafkaConnection.to(bootstrap), Topics.DLQ.name()).stream()
                .map(r -> Topics.DLQ.valueSerde().deserializer().deserialize(null, r.value()))
                .map(d -> d.getComponent() + ": " + d.getReason())
                .toList();
        assertEquals(List.of(), deadLetters);
      }
    } finally {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
      stopOnExit.run();
    }
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    var cli = HilnasCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    int exit = cli.execute(args);
    assertEquals(0, exit, String.join(" ", args) + " failed");
    return out.toString();
  }

  private static Path jobJar() throws Exception {
    try (var files = Files.list(Path.of("../streams/target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("hilnas-streams-.*-job\\.jar"))
          .findFirst()
          .orElseThrow();
    }
  }

  private void kill(Role role, int id) throws Exception {
    ClusterProcess process = Faults.kill(dir, role, id);
    System.out.printf("ClusterIT: killed %s (pid %d)%n", process.name(), process.pid());
  }

  private static void assertReplicated(Admin admin) throws Exception {
    List<String> topics = new ArrayList<>();
    Topics.ALL.forEach(t -> topics.add(t.name()));
    topics.addAll(List.of("__consumer_offsets", "__transaction_state"));
    Map<String, TopicDescription> described =
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
    described.forEach(
        (name, d) ->
            d.partitions().forEach(p -> assertEquals(3, p.replicas().size(), name + " replicas")));
    ConfigResource measurements =
        new ConfigResource(ConfigResource.Type.TOPIC, Topics.MEASUREMENTS.name());
    Config config = admin.describeConfigs(List.of(measurements)).all().get().get(measurements);
    assertEquals("2", config.get("min.insync.replicas").value());
    assertEquals("false", config.get("unclean.leader.election.enable").value());
  }

  /** Quality for some of the streamed candidates, so that frontiers have something to rank. */
  private static void publishQuality(String bootstrap, List<Measurement> synthetic) {
    SplittableRandom random = new SplittableRandom(5);
    List<Map.Entry<String, QualityEvaluation>> records = new ArrayList<>();
    for (Measurement m : synthetic.subList(0, 40)) {
      Quality q =
          new Quality(
              m.candidateId(),
              m.candidate(),
              Quality.PERPLEXITY,
              5 + 50 * random.nextDouble(),
              "it",
              "it");
      records.add(Map.entry(m.candidate().archId(), Convert.toAvro(q)));
    }
    TopicRecords.write(KafkaConnection.to(bootstrap), Topics.QUALITY, records);
  }

  private static Map<String, Long> servedCounts(String query) {
    Map<String, Long> counts = new HashMap<>();
    try {
      for (JsonNode t : get(query + "api/v1/targets")) {
        counts.put(t.get("target").asText(), t.get("measurements").asLong());
      }
    } catch (Exception e) {
      // not answering yet: no counts
    }
    return counts;
  }

  private static void assertFrontiersFor(String bootstrap, Set<String> targets) {
    Map<String, Integer> points = new HashMap<>();
    for (var r : TopicRecords.readAll(KafkaConnection.to(bootstrap), Topics.FRONTIERS.name())) {
      FrontierUpdate u = Topics.FRONTIERS.valueSerde().deserializer().deserialize(null, r.value());
      points.merge(u.getTargetId(), u.getPoints().size(), Math::max);
    }
    for (String target : targets) {
      assertTrue(points.getOrDefault(target, 0) > 0, target + " has a frontier: " + points);
    }
  }

  private static Map<String, Long> await(
      Supplier<Map<String, Long>> counts, Map<String, Long> expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> seen = counts.get();
    while (!seen.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      seen = counts.get();
    }
    return seen;
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    return Json.MAPPER.readTree(response.body());
  }

  /**
   * Measurements with unique ids at a steady pace from an idempotent producer with acks=all,
   * counting per target those Kafka acknowledged.
   */
  private static final class MeasurementStream implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, AtomicLong> acknowledged = new ConcurrentHashMap<>();
    final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    MeasurementStream(String bootstrap, List<Measurement> measurements) {
      Properties settings = ProducerSettings.reliable(KafkaConnection.to(bootstrap), "cluster-it");
      // through a broker's death and the election of new leaders: retried, never given up
      settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
      producer = new KafkaProducer<>(settings);
      thread =
          new Thread(
              () -> {
                for (Measurement m : measurements) {
                  if (!running.get()) {
                    return;
                  }
                  String target = m.target().id();
                  producer.send(
                      new ProducerRecord<>(
                          Topics.MEASUREMENTS.name(),
                          target.getBytes(StandardCharsets.UTF_8),
                          Topics.MEASUREMENTS
                              .valueSerde()
                              .serializer()
                              .serialize(null, Convert.toAvro(m))),
                      (metadata, e) -> {
                        if (e == null) {
                          acknowledged
                              .computeIfAbsent(target, t -> new AtomicLong())
                              .incrementAndGet();
                        } else {
                          failed.incrementAndGet();
                        }
                      });
                  try {
                    Thread.sleep(10); // about 100 a second
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "cluster-it-stream");
      thread.start();
    }

    void stop() {
      running.set(false);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      producer.flush();
    }

    Map<String, Long> acknowledged() {
      Map<String, Long> out = new HashMap<>();
      acknowledged.forEach((t, n) -> out.put(t, n.get()));
      return out;
    }

    @Override
    public void close() {
      stop();
      producer.close();
    }
  }
}
