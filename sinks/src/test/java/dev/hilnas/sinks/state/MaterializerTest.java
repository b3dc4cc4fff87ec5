package dev.hilnas.sinks.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.http.HttpJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class MaterializerTest {

  private static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  private static final Candidate C =
      Candidate.builder()
          .layers(2)
          .dModel(128)
          .heads(2, 1)
          .headDim(64)
          .ffnDim(512)
          .vocabSize(8000)
          .build();
  private static final byte[] GARBAGE = "garbage".getBytes(StandardCharsets.UTF_8);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static LatencyModelSnapshot snapshot(String hardware, long version) {
    HardwareTarget target = new HardwareTarget(hardware, "rt");
    Measurement m = Measurement.of("c", C, target, Phase.DECODE, 64, 2.5, List.of());
    return ModelSnapshots.of(
        target.id(),
        Convert.toAvro(target),
        version,
        1,
        LatencyModelTrainer.fit(List.of(m)).orElseThrow(),
        Instant.EPOCH);
  }

  private static FrontierUpdate frontier(String hardware) {
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    frontiers.add(new Quality("c", C, Quality.PERPLEXITY, 20, null, null));
    frontiers.addMeasured(C.archId(), PREFILL_256, 10);
    return FrontierUpdates.of(
        hardware + "/rt", frontiers, PREFILL_256, 1, new ReferencePoint(50, 40), Instant.EPOCH);
  }

  private static TestInputTopic<String, byte[]> raw(TopologyTestDriver driver, String topic) {
    return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
  }

  private double skipped(String topic) {
    return registry
        .get(SkippedRecords.METRIC)
        .tags("topic", topic, "reader", "state")
        .counter()
        .count();
  }

  @Test
  void shouldSkipModelsItCannotDecodeAndMaterialiseTheGoodOnesAroundThem() {
    try (TopologyTestDriver driver = new TopologyTestDriver(Materializer.buildTopology(registry))) {
      TestInputTopic<String, byte[]> models = raw(driver, Topics.LATENCY_MODELS.name());
      var encode = Topics.LATENCY_MODELS.valueSerde().serializer();
      LatencyModelSnapshot a = snapshot("a", 1);
      LatencyModelSnapshot b = snapshot("b", 1);

      models.pipeInput("a/rt", encode.serialize("", a));
      models.pipeInput("a/rt", GARBAGE); // the key keeps its last good value
      models.pipeInput(
          "x/rt", Topics.FRONTIERS.valueSerde().serializer().serialize("", frontier("x")));
      models.pipeInput("b/rt", encode.serialize("", b));

      ModelCatalog catalog =
          new ModelCatalog(() -> driver.getKeyValueStore(Materializer.MODELS_STORE));
      assertEquals(List.of(a, b), catalog.all());
      assertEquals(2, skipped(Topics.LATENCY_MODELS.name()), "raw garbage, another schema");
    }
  }

  @Test
  void shouldSkipFrontiersItCannotDecodeAndMaterialiseTheGoodOnesAroundThem() {
    try (TopologyTestDriver driver = new TopologyTestDriver(Materializer.buildTopology(registry))) {
      TestInputTopic<String, byte[]> frontiers = raw(driver, Topics.FRONTIERS.name());
      var encode = Topics.FRONTIERS.valueSerde().serializer();
      FrontierUpdate a = frontier("a");
      FrontierUpdate b = frontier("b");

      byte[] sent = encode.serialize("", a);
      frontiers.pipeInput("a/rt|PREFILL@256", sent);
      frontiers.pipeInput("x/rt|PREFILL@256", GARBAGE);
      frontiers.pipeInput(
          "y/rt|PREFILL@256",
          Topics.LATENCY_MODELS.valueSerde().serializer().serialize("", snapshot("y", 1)));
      frontiers.pipeInput("b/rt|PREFILL@256", encode.serialize("", b));

      FrontierCatalog catalog =
          new FrontierCatalog(() -> driver.getKeyValueStore(Materializer.FRONTIERS_STORE));
      assertEquals(List.of(a), catalog.frontiers("a/rt"));
      assertEquals(List.of(b), catalog.frontiers("b/rt"));
      assertEquals(List.of(), catalog.frontiers("x/rt"));
      KeyValueStore<String, byte[]> store = driver.getKeyValueStore(Materializer.FRONTIERS_STORE);
      assertArrayEquals(sent, store.get("a/rt|PREFILL@256"), "held as it came, not encoded again");
      assertEquals(2, skipped(Topics.FRONTIERS.name()));
      assertEquals(0, skipped(Topics.LATENCY_MODELS.name()));
    }
  }

  @Test
  void shouldForgetAKeyOnATombstone() {
    try (TopologyTestDriver driver = new TopologyTestDriver(Materializer.buildTopology(registry))) {
      TestInputTopic<String, byte[]> models = raw(driver, Topics.LATENCY_MODELS.name());
      models.pipeInput(
          "a/rt", Topics.LATENCY_MODELS.valueSerde().serializer().serialize("", snapshot("a", 1)));

      models.pipeInput("a/rt", (byte[]) null);

      assertEquals(
          List.of(),
          new ModelCatalog(() -> driver.getKeyValueStore(Materializer.MODELS_STORE)).all());
      assertEquals(0, skipped(Topics.LATENCY_MODELS.name()));
    }
  }

  @Test
  void shouldAnswerEachTargetsNewestModelAsTheStoreHoldsItFromWhatTheStoreWasTold() {
    AtomicReference<TopologyTestDriver> app = new AtomicReference<>();
    ModelCatalog catalog =
        new ModelCatalog(() -> app.get().getKeyValueStore(Materializer.MODELS_STORE));
    try (TopologyTestDriver driver =
        new TopologyTestDriver(Materializer.buildTopology(registry, catalog::written))) {
      app.set(driver);
      TestInputTopic<String, byte[]> models = raw(driver, Topics.LATENCY_MODELS.name());
      var encode = Topics.LATENCY_MODELS.valueSerde().serializer();
      LatencyModelSnapshot a2 = snapshot("a", 2);
      LatencyModelSnapshot b1 = snapshot("b", 1);

      models.pipeInput("a/rt", encode.serialize("", snapshot("a", 1)));
      models.pipeInput("a/rt", encode.serialize("", a2));
      models.pipeInput("a/rt", GARBAGE); // skipped: a/rt keeps version 2
      models.pipeInput("b/rt", encode.serialize("", b1));
      models.pipeInput("c/rt", encode.serialize("", snapshot("c", 1)));
      models.pipeInput("c/rt", (byte[]) null);

      assertEquals(Optional.of(a2), catalog.snapshot("a/rt"));
      assertEquals(Optional.of(b1), catalog.snapshot("b/rt"));
      assertEquals(Optional.empty(), catalog.snapshot("c/rt"), "deleted");
      assertEquals(List.of(a2, b1), catalog.all());
      assertTrue(catalog.model(a2).isPresent());

      LatencyModelSnapshot a3 = snapshot("a", 3);
      models.pipeInput("a/rt", encode.serialize("", a3));
      assertEquals(Optional.of(a3), catalog.snapshot("a/rt"), "the one read before is stale");
    }
  }

  @Test
  void shouldAnswerNoModelWhileTheStoreIsLoadingEvenOneItWasTold() {
    ModelCatalog catalog =
        new ModelCatalog(
            () -> {
              throw new InvalidStateStoreException("restoring");
            });
    catalog.written("a/rt", snapshot("a", 1));

    assertThrows(HttpJson.NotReady.class, () -> catalog.snapshot("a/rt"));
  }

  @Test
  void shouldReadOnlyCommittedRecordsSoThatNothingTheJobAbortsIsShown() {
    StreamsConfig config =
        new StreamsConfig(
            Materializer.settings(KafkaConnection.to("localhost:9092"), "q", "/tmp/q"));

    assertEquals(
        "read_committed",
        config.getGlobalConsumerConfigs("q").get(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
        "the stores are global: the global consumer fills them");
  }

  @Test
  void everyClientOfTheAppConnectsWithTheConnectionsSecuritySettings() {
    StreamsConfig config =
        new StreamsConfig(
            Materializer.settings(
                new KafkaConnection(
                    "kafka:9093",
                    Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512")),
                "q",
                "/tmp/q"));

    for (Map<String, Object> client :
        List.of(
            config.getGlobalConsumerConfigs("q"),
            config.getMainConsumerConfigs("q", "q-1", 0),
            config.getAdminConfigs("q"))) {
      assertEquals("SASL_SSL", client.get("security.protocol"));
      assertEquals("SCRAM-SHA-512", client.get("sasl.mechanism"));
      assertEquals("kafka:9093", client.get("bootstrap.servers"));
    }
  }

  private static CandidateRequest request(Candidate c, List<String> targets) {
    return CandidateRequest.newBuilder()
        .setRequestId("r")
        .setCandidate(Convert.toAvro(c))
        .setTargets(targets)
        .setReason("test")
        .setGeneration(0)
        .setRequestedAt(Instant.EPOCH)
        .build();
  }

  private static DeadLetter letter(String sourceTopic, byte[] value, String targetId) {
    return DeadLetter.newBuilder()
        .setSourceTopic(sourceTopic)
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setReason("failed")
        .setComponent("agent:a")
        .setFailedAt(Instant.EPOCH)
        .setTargetId(targetId)
        .build();
  }

  @Test
  void shouldCountRequestsPerTargetAndArchitectureAndAgentsFailedAttemptsOnly() {
    try (TopologyTestDriver driver = new TopologyTestDriver(Materializer.buildTopology(registry))) {
      TestInputTopic<String, byte[]> candidates = raw(driver, Topics.CANDIDATES.name());
      TestInputTopic<String, byte[]> dlq = raw(driver, Topics.DLQ.name());
      var requests = Topics.CANDIDATES.valueSerde().serializer();
      var letters = Topics.DLQ.valueSerde().serializer();
      byte[] forA = requests.serialize("", request(C, List.of("a/rt")));

      candidates.pipeInput("k", forA);
      candidates.pipeInput("k", forA); // a retry
      candidates.pipeInput("k", requests.serialize("", request(C, List.of("a/rt", "b/rt"))));
      candidates.pipeInput("k", requests.serialize("", request(C, List.of()))); // every target
      candidates.pipeInput("k", GARBAGE);
      dlq.pipeInput("k", letters.serialize("", letter(Topics.CANDIDATES.name(), forA, "a/rt")));
      // not an agent's failed attempt: an import's invalid line, a letter naming no target
      dlq.pipeInput(
          "k", letters.serialize("", letter(Topics.MEASUREMENTS.name(), GARBAGE, "a/rt")));
      dlq.pipeInput("k", letters.serialize("", letter(Topics.CANDIDATES.name(), forA, null)));
      dlq.pipeInput("k", letters.serialize("", letter(Topics.CANDIDATES.name(), GARBAGE, "a/rt")));

      KeyValueStore<String, Long> counted = driver.getKeyValueStore(Materializer.REQUESTS_STORE);
      KeyValueStore<String, Long> failed = driver.getKeyValueStore(Materializer.FAILURES_STORE);
      String arch = C.archId();
      assertEquals(3L, counted.get("a/rt|" + arch));
      assertEquals(1L, counted.get("b/rt|" + arch));
      assertEquals(1L, counted.get("*|" + arch));
      assertEquals(1L, failed.get("a/rt|" + arch));
      assertEquals(1, skipped(Topics.CANDIDATES.name()));
      assertEquals(1, skipped(Topics.DLQ.name()), "the letter whose request does not decode");
      assertEquals(
          Map.of(
              "a/rt",
              new SearchProgress("a/rt", 4, 1, 0, 0, 1, 1),
              "b/rt",
              new SearchProgress("b/rt", 2, 1, 0, 0, 1, 0),
              "c/rt",
              new SearchProgress("c/rt", 1, 1, 0, 0, 1, 0)),
          new ProgressCatalog(
                  () -> driver.getKeyValueStore(Materializer.REQUESTS_STORE),
                  () -> driver.getKeyValueStore(Materializer.FAILURES_STORE),
                  new FrontierCatalog(() -> driver.getKeyValueStore(Materializer.FRONTIERS_STORE)))
              .all(java.util.Set.of("c/rt")),
          "c/rt has a model only: the request for every target counts for it");
    }
  }
}
