package dev.hilnas.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.core.search.SearchLoop;
import dev.hilnas.core.search.SearchSpace;
import dev.hilnas.llm.quality.Backbone;
import dev.hilnas.llm.quality.BackboneTrainer;
import dev.hilnas.llm.quality.Corpus;
import dev.hilnas.llm.quality.PerplexityEvaluator;
import dev.hilnas.llm.quality.TrainingConfig;
import dev.hilnas.producers.evaluator.QualityEvaluator;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.producers.search.SearchProducer;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierPoint;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencySource;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topics;
import dev.hilnas.testing.TopicRecords;
import dev.hilnas.testing.WithBroker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loop's two producers against the embedded broker: the quality evaluator and the search. */
class SearchLoopIT extends WithBroker {

  private static final String TARGET = "it-cpu/java-cpu/fp32";
  private static final String TEXT =
      "and god said, let there be light: and there was light.\n".repeat(60);
  private static Backbone backbone;

  @BeforeAll
  static void trainTinyBackbone() {
    Corpus corpus = new Corpus(TEXT.getBytes(), TEXT.getBytes());
    TrainingConfig tiny =
        TrainingConfig.builder()
            .layers(3)
            .dModel(32)
            .heads(4, 2)
            .headDim(8)
            .ffnDim(48)
            .length(32)
            .batch(4)
            .steps(20)
            .warmupSteps(2)
            .learningRate(1e-2)
            .seed(5)
            .build();
    backbone = BackboneTrainer.train(tiny, corpus, 1, 20, p -> {});
  }

  private static void send(String topic, String key, byte[] value) {
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ProducerSettings.reliable(connection, "it"))) {
      producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }
  }

  private static void request(String id, Candidate c) {
    CandidateRequest r =
        CandidateRequest.newBuilder()
            .setRequestId(id)
            .setCandidate(Convert.toAvro(c))
            .setTargets(List.of())
            .setReason("test")
            .setGeneration(0)
            .setRequestedAt(Instant.EPOCH)
            .build();
    send(
        Topics.CANDIDATES.name(),
        c.archId(),
        Topics.CANDIDATES.valueSerde().serializer().serialize(null, r));
  }

  private static <T> List<T> await(Supplier<List<T>> read, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<T> seen = read.get();
    while (seen.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(200);
      seen = read.get();
    }
    return seen;
  }

  private static List<QualityEvaluation> evaluations() {
    List<QualityEvaluation> out = new ArrayList<>();
    for (var r : TopicRecords.readAll(connection, Topics.QUALITY.name())) {
      out.add(Topics.QUALITY.valueSerde().deserializer().deserialize(null, r.value()));
    }
    return out;
  }

  private static List<CandidateRequest> requests() {
    List<CandidateRequest> out = new ArrayList<>();
    for (var r : TopicRecords.readAll(connection, Topics.CANDIDATES.name())) {
      out.add(Topics.CANDIDATES.valueSerde().deserializer().deserialize(null, r.value()));
    }
    out.removeIf(r -> r.getReason().equals("test"));
    return out;
  }

  @Test
  void theEvaluatorScoresPruningsOfItsBackboneOnceAndSkipsOtherArchitectures() throws Exception {
    PerplexityEvaluator local = new PerplexityEvaluator(backbone, TEXT.getBytes(), 64, 1);
    Candidate pruned =
        Candidate.builder()
            .layers(2)
            .dModel(32)
            .heads(2, 1)
            .headDim(8)
            .ffnDim(24)
            .vocabSize(256)
            .attention("GL")
            .window(4)
            .weightBits(8)
            .build();
    request(
        "not-a-pruning",
        Candidate.builder()
            .layers(2)
            .dModel(64)
            .heads(2, 1)
            .headDim(32)
            .ffnDim(64)
            .vocabSize(256)
            .build());
    request("pruned", pruned);
    QualityEvaluator evaluator =
        new QualityEvaluator(connection, "it-evaluator", local, Limits.DEFAULTS);
    Thread loop = new Thread(evaluator::run, "evaluator");
    loop.start();
    List<QualityEvaluation> seen = await(SearchLoopIT::evaluations, 1);
    Thread.sleep(1000); // the other request has been consumed by now; nothing more may come
    evaluator.close();
    loop.join(30_000);

    seen = evaluations();
    assertEquals(1, seen.size());
    QualityEvaluation q = seen.get(0);
    assertEquals(pruned, Convert.fromAvro(q.getCandidate()));
    assertEquals("perplexity", q.getMetric());
    assertEquals(
        local.evaluate(pruned).value(), q.getValue(), 1e-12, "deterministic: the local value");
    assertEquals(64L, q.getTokens());
    assertEquals("pruned", q.getCandidateId());
  }

  @Test
  void theSearchKeepsItsAgentsBusyAndAfterARestartNeitherRepeatsNorForgetsARequest()
      throws Exception {
    SearchSpace space =
        SearchSpace.of(backbone.architecture(), SearchSpace.Constraints.NONE, Limits.DEFAULTS);
    SearchProducer.Settings settings =
        new SearchProducer.Settings(
            space,
            "hilnas",
            new SearchLoop.Settings(
                Map.of(TARGET, 1),
                1,
                2,
                Duration.ofMinutes(10),
                3,
                Map.of(),
                List.of(Objective.parse("DECODE@16"))),
            Duration.ofMillis(200),
            7);
    runFor(settings, 2000);
    List<CandidateRequest> first = await(SearchLoopIT::requests, 2);
    assertEquals(2, first.size(), "one agent × two in flight");
    assertTrue(
        first.stream()
            .anyMatch(r -> Convert.fromAvro(r.getCandidate()).equals(backbone.architecture())),
        "the backbone is among the first requests");
    first.forEach(
        r ->
            assertEquals(
                List.of("DECODE@16"), r.getObjectives(), "no frontier: the latency to learn"));

    runFor(settings, 2000); // a restart: both are still pending
    assertEquals(2, requests().size());

    List<FrontierPoint> measured = new ArrayList<>();
    double latency = 10;
    for (CandidateRequest r : first) {
      measured.add(
          FrontierPoint.newBuilder()
              .setCandidate(r.getCandidate())
              .setLatencyMs(latency--)
              .setLatencySource(LatencySource.MEASURED)
              .setQuality(5 + latency)
              .build());
    }
    FrontierUpdate update =
        FrontierUpdate.newBuilder()
            .setTargetId(TARGET)
            .setObjective("PREFILL@32")
            .setVersion(1)
            .setHypervolume(1)
            .setReferenceLatencyMs(20)
            .setReferenceQuality(20)
            .setPoints(measured)
            .setUpdatedAt(Instant.now())
            .build();
    send(
        Topics.FRONTIERS.name(),
        TARGET + "|PREFILL@32",
        Topics.FRONTIERS.valueSerde().serializer().serialize(null, update));
    runFor(settings, 3000);
    List<CandidateRequest> all = requests();
    assertEquals(4, all.size(), "both measured: two more");
    Set<String> ids = new HashSet<>();
    all.forEach(
        r ->
            assertTrue(
                ids.add(Convert.fromAvro(r.getCandidate()).archId()), "never requested twice"));
    all.forEach(r -> assertEquals(List.of(TARGET), r.getTargets()));
    all.forEach(r -> assertFalse(r.getReason().isBlank()));
    all.stream()
        .filter(r -> first.stream().noneMatch(f -> f.getRequestId().equals(r.getRequestId())))
        .forEach(
            r ->
                assertEquals(
                    List.of("PREFILL@32"), r.getObjectives(), "what the target's frontiers track"));
  }

  private static void runFor(SearchProducer.Settings settings, long millis)
      throws InterruptedException {
    SearchProducer search = new SearchProducer(connection, settings, Clock.systemUTC());
    Thread loop = new Thread(search::run, "search");
    loop.start();
    Thread.sleep(millis);
    search.close();
    loop.join(30_000);
  }
}
