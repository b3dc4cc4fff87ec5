package dev.hilnas.sinks.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.Topics;
import dev.hilnas.testing.WithBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The query service's state and event feed on a real broker: records that do not decode are skipped
 * and counted, whether the stores meet them while restoring or live, and what a transaction aborted
 * never shows.
 */
class MaterializedStateIT extends WithBroker {

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

  @Test
  void shouldSkipWhatDoesNotDecodeAndShowOnlyCommittedRecords() throws Exception {
    // Given good records, garbage and an aborted model before the service starts
    send(connection, Topics.LATENCY_MODELS.name(), "a/rt", model("a"), false);
    send(connection, Topics.LATENCY_MODELS.name(), "g/rt", GARBAGE, false);
    send(connection, Topics.LATENCY_MODELS.name(), "x/rt", model("x"), true);
    send(connection, Topics.FRONTIERS.name(), "g/rt|PREFILL@256", GARBAGE, false);
    send(connection, Topics.FRONTIERS.name(), "a/rt|PREFILL@256", frontier("a"), false);
    List<FrontierUpdate> kept = new CopyOnWriteArrayList<>();
    List<FrontierUpdate> pushed = new CopyOnWriteArrayList<>();
    try (MaterializedState state =
            MaterializedState.start(connection, "it-query", dir.resolve("streams"), registry);
        FrontierFeed feed = new FrontierFeed(connection, kept::add, pushed::add, registry)) {
      // When it has restored them, and more arrive live
      await(state::isRunning);
      await(() -> state.models().all().size() == 1);
      send(connection, Topics.LATENCY_MODELS.name(), "h/rt", GARBAGE, false);
      send(connection, Topics.LATENCY_MODELS.name(), "y/rt", model("y"), true);
      send(connection, Topics.LATENCY_MODELS.name(), "b/rt", model("b"), false);
      send(connection, Topics.FRONTIERS.name(), "h/rt|PREFILL@256", GARBAGE, false);
      send(connection, Topics.FRONTIERS.name(), "b/rt|PREFILL@256", frontier("b"), false);
      // the feed and the models store read apart from the frontiers store: wait for it too
      await(
          () ->
              state.models().all().size() == 2
                  && pushed.size() == 1
                  && state.frontiers().frontiers("b/rt").size() == 1);

      // Then the good ones are served, the bad ones counted, and the aborted ones never seen
      assertEquals(
          List.of("a/rt", "b/rt"),
          state.models().all().stream().map(LatencyModelSnapshot::getTargetId).toList());
      assertEquals(1, state.frontiers().frontiers("a/rt").size());
      assertEquals(1, state.frontiers().frontiers("b/rt").size());
      assertEquals(List.of("b/rt"), pushed.stream().map(FrontierUpdate::getTargetId).toList());
      assertEquals(
          List.of("a/rt", "b/rt"),
          kept.stream().map(FrontierUpdate::getTargetId).toList(),
          "the history has what came before the start too");
      await(() -> skipped(Topics.FRONTIERS.name(), "state") == 2);
      assertEquals(2, skipped(Topics.LATENCY_MODELS.name(), "state"), "one restored, one live");
      await(() -> skipped(Topics.FRONTIERS.name(), "feed") == 2); // one before the start, one live

      // And a target read once is answered anew when a newer model of it arrives
      assertEquals(1, state.models().snapshot("b/rt").orElseThrow().getVersion());
      send(connection, Topics.LATENCY_MODELS.name(), "b/rt", model("b", 2), false);
      await(() -> state.models().snapshot("b/rt").orElseThrow().getVersion() == 2);
    }
  }

  @Test
  void shouldCountRequestsAndKeepHistoryFromTheTopicsStartAndLiveAndReadTheAgentsLag()
      throws Exception {
    // Given a request and a frontier before the service starts
    request("p/rt");
    send(connection, Topics.FRONTIERS.name(), "p/rt|PREFILL@256", frontier("p"), false);
    FrontierHistory history = new FrontierHistory();
    try (MaterializedState state =
            MaterializedState.start(connection, "it-progress", dir.resolve("progress"), registry);
        FrontierFeed feed = new FrontierFeed(connection, history::record, update -> {}, registry);
        AgentLag lag = new AgentLag(connection)) {
      await(state::isRunning);
      // When another request arrives live, and the agents of p/rt have done all but one
      request("p/rt");
      await(() -> state.progress().all(Set.of()).get("p/rt").requests() == 2);
      commitAllButOne(ConsumerGroups.agents("p/rt"));

      // Then both requests count, the history has the update from before the start, and the lag
      // is the one record left
      assertEquals(
          new SearchProgress("p/rt", 2, 1, 1, 0, 0, 0), state.progress().all(Set.of()).get("p/rt"));
      await(() -> history.of("p/rt", "PREFILL@256").size() == 1);
      assertEquals(OptionalLong.of(1), lag.of("p/rt"));
      assertEquals(OptionalLong.empty(), lag.of("nobody/rt"), "no agent has committed");
    }
  }

  /** Requests the candidate for the target as the search producer does: no transaction. */
  private static void request(String targetId) throws Exception {
    CandidateRequest request =
        CandidateRequest.newBuilder()
            .setRequestId("r")
            .setCandidate(Convert.toAvro(C))
            .setTargets(List.of(targetId))
            .setReason("it")
            .setGeneration(0)
            .setRequestedAt(Instant.EPOCH)
            .build();
    try (var producer =
        new KafkaProducer<>(
            connection.clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
      byte[] value = Topics.CANDIDATES.valueSerde().serializer().serialize("", request);
      producer.send(new ProducerRecord<>(Topics.CANDIDATES.name(), "p", value)).get();
    }
  }

  /** Commits, for the group, the end of every partition of hil.candidates but the last record. */
  private void commitAllButOne(String group) {
    Properties p = connection.clientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.CANDIDATES.name()).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
      ends.forEach((tp, end) -> commit.put(tp, new OffsetAndMetadata(end)));
      TopicPartition withRecords =
          ends.entrySet().stream().filter(e -> e.getValue() > 0).findFirst().orElseThrow().getKey();
      commit.put(withRecords, new OffsetAndMetadata(ends.get(withRecords) - 1));
      consumer.assign(partitions);
      consumer.commitSync(commit);
    }
  }

  private double skipped(String topic, String reader) {
    return registry
        .get(SkippedRecords.METRIC)
        .tags("topic", topic, "reader", reader)
        .counter()
        .count();
  }

  private static byte[] model(String hardware) {
    return model(hardware, 1);
  }

  private static byte[] model(String hardware, long version) {
    HardwareTarget target = new HardwareTarget(hardware, "rt");
    Measurement m = Measurement.of("c", C, target, Phase.DECODE, 64, 2.5, List.of());
    LatencyModelSnapshot snapshot =
        ModelSnapshots.of(
            target.id(),
            Convert.toAvro(target),
            version,
            1,
            LatencyModelTrainer.fit(List.of(m)).orElseThrow(),
            Instant.EPOCH);
    return Topics.LATENCY_MODELS.valueSerde().serializer().serialize("", snapshot);
  }

  private static byte[] frontier(String hardware) {
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    frontiers.add(new Quality("c", C, Quality.PERPLEXITY, 20, null, null));
    frontiers.addMeasured(C.archId(), PREFILL_256, 10);
    FrontierUpdate update =
        FrontierUpdates.of(
            hardware + "/rt", frontiers, PREFILL_256, 1, new ReferencePoint(50, 40), Instant.EPOCH);
    return Topics.FRONTIERS.valueSerde().serializer().serialize("", update);
  }

  /** Writes one record in a transaction, committed or aborted. */
  private static void send(
      KafkaConnection connection, String topic, String key, byte[] value, boolean abort)
      throws Exception {
    Properties p = connection.clientProperties();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-writer");
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, key, value)).get();
      if (abort) {
        producer.abortTransaction();
      } else {
        producer.commitTransaction();
      }
    }
  }

  private static void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(100);
    }
  }
}
