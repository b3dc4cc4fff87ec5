package dev.hilnas.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.search.SearchLoop;
import dev.hilnas.core.search.SearchSpace;
import dev.hilnas.producers.agent.CommandRunner;
import dev.hilnas.producers.agent.Measurer;
import dev.hilnas.producers.agent.MeasuringAgent;
import dev.hilnas.producers.search.SearchProducer;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.testing.TopicRecords;
import dev.hilnas.testing.WithBroker;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The search, an agent with the {@code cmd} runner and the embedded broker: a candidate the command
 * always fails on is tried {@code maxAttempts} times, then given up; the others are measured.
 */
class SearchRetryIT extends WithBroker {

  private static final HardwareTarget TARGET = new HardwareTarget("it-cmd", "cmd", null);
  private static final Candidate BACKBONE =
      Candidate.builder()
          .layers(3)
          .dModel(32)
          .heads(4, 2)
          .headDim(8)
          .ffnDim(48)
          .vocabSize(256)
          .build();
  private static final String FAILURE = "runner command exited with 3: no kernel for this one";

  @Test
  void aCandidateTheAgentAlwaysFailsOnIsTriedMaxAttemptsTimesThenGivenUpWhileOthersAreMeasured()
      throws Exception {
    // the command fails on the backbone, which the search requests first, and times the rest
    Path backbone = dir.resolve("backbone.json");
    Files.write(backbone, Json.MAPPER.writeValueAsBytes(CandidateJson.toMap(BACKBONE)));
    String command =
        "if cmp -s \"$HILNAS_CANDIDATE_FILE\" "
            + backbone
            + "; then echo 'no kernel for this one' >&2; exit 3; fi;"
            + " echo '{\"latencyMs\":{\"PREFILL@32\":1.5}}'";
    Measurer.Settings agentSettings =
        new Measurer.Settings(
            TARGET, List.of(Objective.parse("PREFILL@32")), 0, 1, "it-cmd-agent", 1, Map.of());
    MeasuringAgent agent =
        new MeasuringAgent(
            connection,
            new Measurer(
                agentSettings,
                Limits.DEFAULTS,
                new CommandRunner(command, Duration.ofSeconds(30)),
                Clock.systemUTC()));
    SearchProducer search =
        new SearchProducer(
            connection,
            new SearchProducer.Settings(
                SearchSpace.of(BACKBONE, SearchSpace.Constraints.NONE, Limits.DEFAULTS),
                "hilnas",
                new SearchLoop.Settings(
                    Map.of(TARGET.id(), 1), 1, 2, Duration.ofMinutes(10), 3, Map.of(), List.of()),
                Duration.ofMillis(200),
                7),
            Clock.systemUTC());
    List<Thread> threads = List.of(new Thread(agent::run), new Thread(search::run));
    threads.forEach(Thread::start);
    // 2 in flight: the backbone 3 times, a good one, and another good one in the slot given up
    await(
        () -> requests().size() >= 5 && search.status().contains(" 1 given up after 3 failures;"),
        () -> search.status() + "\n" + requests());
    await(() -> measured().size() >= 2, () -> measured().toString());
    agent.close();
    search.close();
    for (Thread t : threads) {
      t.join(30_000);
    }

    List<CandidateRequest> requests = requests();
    List<String> backboneReasons = new ArrayList<>();
    List<Candidate> others = new ArrayList<>();
    for (CandidateRequest r : requests) {
      Candidate c = Convert.fromAvro(r.getCandidate());
      if (c.equals(BACKBONE)) {
        backboneReasons.add(r.getReason());
      } else {
        others.add(c);
      }
    }
    assertEquals(5, requests.size(), "nothing more: the two good ones stay pending");
    assertEquals(3, backboneReasons.size(), "the backbone exactly 3 times: " + backboneReasons);
    assertEquals(
        List.of("attempt 2 of 3, after: " + FAILURE, "attempt 3 of 3, after: " + FAILURE),
        backboneReasons.subList(1, 3));
    assertEquals(2, others.stream().distinct().count());

    List<DeadLetter> letters = deadLetters();
    assertEquals(3, letters.size());
    for (DeadLetter letter : letters) {
      assertEquals(FAILURE, letter.getReason());
      assertEquals("agent:it-cmd-agent", letter.getComponent());
      assertEquals(TARGET.id(), letter.getTargetId());
      assertEquals(BACKBONE, Convert.fromAvro(request(letter.getValue()).getCandidate()));
    }

    List<Measurement> measured = measured();
    assertEquals(2, measured.size(), "each good one once, at PREFILL@32");
    assertEquals(
        Set.copyOf(others), Set.copyOf(measured.stream().map(Measurement::candidate).toList()));
    measured.forEach(m -> assertEquals(1.5, m.latencyMs()));
  }

  private static CandidateRequest request(ByteBuffer value) {
    byte[] bytes = new byte[value.remaining()];
    value.duplicate().get(bytes);
    return Topics.CANDIDATES.valueSerde().deserializer().deserialize(null, bytes);
  }

  private static List<CandidateRequest> requests() {
    List<CandidateRequest> out = new ArrayList<>();
    for (var r : TopicRecords.readAll(connection, Topics.CANDIDATES.name())) {
      out.add(Topics.CANDIDATES.valueSerde().deserializer().deserialize(null, r.value()));
    }
    out.sort((a, b) -> Integer.compare(a.getGeneration(), b.getGeneration()));
    return out;
  }

  private static List<DeadLetter> deadLetters() {
    List<DeadLetter> out = new ArrayList<>();
    for (var r : TopicRecords.readAll(connection, Topics.DLQ.name())) {
      out.add(Topics.DLQ.valueSerde().deserializer().deserialize(null, r.value()));
    }
    return out;
  }

  private static List<Measurement> measured() {
    List<Measurement> out = new ArrayList<>();
    for (var r : TopicRecords.readAll(connection, Topics.MEASUREMENTS.name())) {
      out.add(
          Convert.fromAvro(
              Topics.MEASUREMENTS.valueSerde().deserializer().deserialize(null, r.value())));
    }
    return out;
  }

  private static void await(BooleanSupplier done, Supplier<String> seen)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "gave up waiting; saw " + seen.get());
      Thread.sleep(200);
    }
  }
}
