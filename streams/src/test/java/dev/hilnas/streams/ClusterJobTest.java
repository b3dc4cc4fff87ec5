package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.schemas.KafkaConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterJobTest {

  @Test
  void theJarsEntryPointBuildsTheEmbeddedStacksGraphWithExactlyOnceCheckpoints() {
    StreamExecutionEnvironment env =
        ClusterJob.configure(
            StreamExecutionEnvironment.createLocalEnvironment(1),
            new String[] {
              "--bootstrap",
              "kafka:9092",
              "--objectives",
              "PREFILL@512,DECODE@512",
              "--checkpoint-interval",
              "5s"
            });
    List<String> operators =
        env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getOperatorName).toList();
    for (String name : List.of("validate", "per-target", "frontiers")) {
      assertTrue(operators.stream().anyMatch(o -> o.contains(name)), name + " in " + operators);
    }
    assertEquals(5000, env.getCheckpointConfig().getCheckpointInterval());
  }

  @Test
  void missingOrUnknownOptionsAreErrorsThatSayWhich() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ClusterJob.configure(env, new String[0]))
            .getMessage()
            .contains("--bootstrap"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env, new String[] {"--bootstrap", "k:9092", "--paralelism", "2"}))
            .getMessage()
            .contains("[paralelism]"));
  }

  @Test
  void takesTheRefitAndFrontierIntervalsWellUnderASecondByDefault() {
    JobSettings defaults = ClusterJob.settings(new String[] {"--bootstrap", "k:9092"});
    assertEquals(Duration.ofMillis(250), defaults.publishInterval());
    assertEquals(Duration.ofMillis(250), defaults.frontierInterval());

    JobSettings given =
        ClusterJob.settings(
            new String[] {
              "--bootstrap", "k:9092", "--publish-interval", "500ms", "--frontier-interval", "0ms"
            });
    assertEquals(Duration.ofMillis(500), given.publishInterval());
    assertEquals(Duration.ZERO, given.frontierInterval(), "0: after each record");
  }

  @Test
  void aDurationItCannotReadIsAnErrorThatNamesTheOption() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    assertEquals(
        "--publish-interval: duration must look like 500ms, 2s, 5m, 1h or PT1M30S, got 'often'",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env, new String[] {"--bootstrap", "k:9092", "--publish-interval", "often"}))
            .getMessage());
  }

  @Test
  void takesTheLimitOptionsOfTheCliAndSaysWhichIsWrong() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    ClusterJob.configure(
        env,
        new String[] {
          "--bootstrap", "k:9092", "--max-latency-ms", "60000", "--max-context", "32768",
          "--max-layers", "64", "--max-d-model", "8192", "--max-vocab", "262144",
          "--max-perplexity", "1e6"
        });
    assertEquals(
        "--max-layers must be a number, got 'many'",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env, new String[] {"--bootstrap", "k:9092", "--max-layers", "many"}))
            .getMessage());
    assertEquals(
        "objective PREFILL@8192: contextLength must be at most 4096, got 8192",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env, new String[] {"--bootstrap", "k:9092", "--max-context", "4096"}))
            .getMessage());
  }

  @Test
  void keepsItsCheckpointsInTheGivenDirectoryOnCancelAndFailure(@TempDir Path dir) {
    StreamExecutionEnvironment env =
        ClusterJob.configure(
            StreamExecutionEnvironment.createLocalEnvironment(1),
            new String[] {"--bootstrap", "k:9092", "--checkpoint-dir", dir.toString()});

    assertEquals(
        Optional.of(dir.toUri().toString()),
        env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    assertEquals(
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION,
        env.getCheckpointConfig().getExternalizedCheckpointRetention());
    assertEquals(
        Optional.empty(), env.getConfiguration().getOptional(StateRecoveryOptions.SAVEPOINT_PATH));
  }

  @Test
  void restoreLatestResumesFromTheNewestCompleteCheckpointOfAnyEarlierRun(@TempDir Path dir)
      throws Exception {
    checkpoint(dir.resolve("first-run/chk-9"), Instant.parse("2026-11-30T10:00:00Z"));
    Path newest =
        checkpoint(dir.resolve("second-run/chk-2"), Instant.parse("2026-11-30T11:00:00Z"));
    Files.createDirectories(dir.resolve("second-run/chk-3")); // being written: no _metadata yet

    StreamExecutionEnvironment env =
        ClusterJob.configure(
            StreamExecutionEnvironment.createLocalEnvironment(1),
            new String[] {
              "--bootstrap", "k:9092", "--checkpoint-dir", dir.toString(), "--restore", "latest"
            });

    assertEquals(
        Optional.of(newest.toUri().toString()),
        env.getConfiguration().getOptional(StateRecoveryOptions.SAVEPOINT_PATH));
  }

  @Test
  void restoreLatestWithNothingToRestoreStartsAfresh(@TempDir Path dir) {
    StreamExecutionEnvironment env =
        ClusterJob.configure(
            StreamExecutionEnvironment.createLocalEnvironment(1),
            new String[] {
              "--bootstrap", "k:9092", "--checkpoint-dir", dir.toString(), "--restore", "latest"
            });

    assertEquals(
        Optional.empty(), env.getConfiguration().getOptional(StateRecoveryOptions.SAVEPOINT_PATH));
  }

  @Test
  void restoreNeedsALocalCheckpointDirAndTakesOnlyLatest() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    assertEquals(
        "--restore latest needs a --checkpoint-dir on a file system this process can read",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env, new String[] {"--bootstrap", "k:9092", "--restore", "latest"}))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env,
                        new String[] {
                          "--bootstrap", "k:9092", "--checkpoint-dir", "/c", "--restore", "chk-7"
                        }))
            .getMessage()
            .startsWith("--restore takes 'latest'"));
  }

  private static Path checkpoint(Path dir, Instant at) throws Exception {
    Files.createDirectories(dir);
    Path metadata = Files.createFile(dir.resolve("_metadata"));
    Files.setLastModifiedTime(metadata, FileTime.from(at));
    return dir;
  }

  @Test
  void takesKafkasSecurityFromAClientPropertiesFileReadWhereTheJobIsSubmitted(@TempDir Path dir)
      throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("job.properties"),
            "bootstrap.servers=kafka:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
    KafkaConnection secured =
        new KafkaConnection(
            "kafka:9093",
            Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));

    assertEquals(
        secured, ClusterJob.settings(new String[] {"--kafka-config", file.toString()}).kafka());
    assertEquals(
        "other:9093",
        ClusterJob.settings(
                new String[] {"--kafka-config", file.toString(), "--bootstrap", "other:9093"})
            .kafka()
            .bootstrapServers());
    assertEquals(
        "--bootstrap HOST:PORT is required, unless --kafka-config FILE names bootstrap.servers",
        assertThrows(
                IllegalArgumentException.class,
                () -> ClusterJob.settings(new String[] {"--objectives", "DECODE@512"}))
            .getMessage());
  }

  @Test
  void theJobsSourcesConnectWithTheSettingsKafkaConnection() {
    JobSettings settings =
        new JobSettings(
            new KafkaConnection(
                "kafka:9093",
                Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512")),
            "hilnas-job",
            "hilnas-job",
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));

    Properties source =
        ((KafkaDatasetFacet)
                MeasurementJob.kafkaSource(settings, "hil.measurements")
                    .getLineageVertex()
                    .datasets()
                    .get(0)
                    .facets()
                    .get("kafka"))
            .getProperties();
    assertEquals("SASL_SSL", source.getProperty("security.protocol"));
    assertEquals("SCRAM-SHA-512", source.getProperty("sasl.mechanism"));
    assertEquals("kafka:9093", source.getProperty("bootstrap.servers"));
    assertEquals("hilnas-job", source.getProperty("group.id"));
    assertEquals("read_committed", source.getProperty("isolation.level"));
  }
}
