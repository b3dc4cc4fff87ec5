package dev.hilnas.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Runner;
import dev.hilnas.llm.runtime.JavaCpuRunner;
import dev.hilnas.producers.agent.Measurer;
import dev.hilnas.producers.agent.MeasuringAgent;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import dev.hilnas.testing.TopicRecords;
import dev.hilnas.testing.WithBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A candidate request in, real measurements out, through the embedded broker. */
class AgentIT extends WithBroker {

  private static CandidateRequest request(
      String id, Candidate c, List<String> targets, List<Integer> contexts) {
    return CandidateRequest.newBuilder()
        .setRequestId(id)
        .setCandidate(Convert.toAvro(c))
        .setTargets(targets)
        .setContexts(contexts)
        .setReason("test")
        .setGeneration(0)
        .setRequestedAt(Instant.EPOCH)
        .build();
  }

  /** The requests on hil.candidates, as the search publishes them (key: the arch id). */
  private static void publish(List<CandidateRequest> requests) {
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ProducerSettings.reliable(connection, "it-search"))) {
      for (CandidateRequest r : requests) {
        producer.send(
            new ProducerRecord<>(
                Topics.CANDIDATES.name(),
                r.getCandidate().getArchId().getBytes(StandardCharsets.UTF_8),
                Topics.CANDIDATES.valueSerde().serializer().serialize(null, r)));
      }
    }
  }

  /** A candidate small enough to time in milliseconds, attention to be said. */
  private static Candidate.Builder twoLayers() {
    return Candidate.builder()
        .layers(2)
        .dModel(64)
        .heads(2, 1)
        .headDim(32)
        .ffnDim(128)
        .vocabSize(100);
  }

  @Test
  void shouldMeasureTheCandidatesRequestedForItsTargetAndPublishThem() throws Exception {
    HardwareTarget target = new HardwareTarget("it-cpu", "java-cpu", "fp32");
    Candidate c = twoLayers().attention("GL").window(8).build();
    publish(
        List.of(
            request("for-someone-else", c, List.of("other/device"), List.of(16)),
            request("for-us", c, List.of(target.id()), List.of(16))));
    Measurer.Settings settings =
        new Measurer.Settings(
            target,
            List.of(Objective.parse("PREFILL@32")),
            1,
            3,
            "it-agent",
            1,
            Map.of("os", "test"));
    try (JavaCpuRunner runner = new JavaCpuRunner(1)) {
      MeasuringAgent agent =
          new MeasuringAgent(
              connection, new Measurer(settings, Limits.DEFAULTS, runner, Clock.systemUTC()));
      Thread loop = new Thread(agent::run, "agent");
      loop.start();
      List<Measurement> measured = awaitMeasurements(connection, 2);
      agent.close();
      loop.join(TimeUnit.SECONDS.toMillis(30));

      measured.sort(Comparator.comparing(Measurement::phase));
      assertEquals(
          List.of(Phase.PREFILL, Phase.DECODE),
          measured.stream().map(Measurement::phase).toList(),
          "the request's context in both phases, not the agent's default");
      for (Measurement m : measured) {
        assertEquals(16, m.contextLength());
        assertEquals("for-us", m.candidateId());
        assertEquals(target, m.target());
        assertEquals("it-agent", m.agentId());
        assertEquals(3, m.samplesMs().size());
        assertEquals(c, m.candidate());
      }
    }
  }

  @Test
  void shouldTimeTheObjectivesARequestNamesUpToItsLongestMeasuredContext() throws Exception {
    HardwareTarget target = new HardwareTarget("it-objectives", "java-cpu", "fp32");
    Candidate c = twoLayers().attention("GG").build();
    // Given the search's requests: one naming a short and a long objective, one only a long one
    List<CandidateRequest> requests = new ArrayList<>();
    Map.of("short-and-long", List.of("DECODE@16", "PREFILL@64"), "long", List.of("DECODE@64"))
        .forEach(
            (id, objectives) -> {
              CandidateRequest r = request(id, c, List.of(target.id()), List.of());
              r.setObjectives(objectives);
              requests.add(r);
            });
    publish(requests);
    Measurer.Settings settings =
        new Measurer.Settings(
            target, List.of(Objective.parse("PREFILL@8")), 0, 3, "it-agent", 1, Map.of());
    try (JavaCpuRunner runner = new JavaCpuRunner(1)) {
      // When an agent that times contexts up to 32 tokens measures them
      MeasuringAgent agent =
          new MeasuringAgent(
              connection, new Measurer(settings, Limits.DEFAULTS, runner, Clock.systemUTC()), 32);
      Thread loop = new Thread(agent::run, "agent");
      loop.start();
      awaitMeasurements(connection, target, 2, () -> "");
      agent.close();
      loop.join(TimeUnit.SECONDS.toMillis(30));

      // Then it times what was asked within its reach, and its own where nothing was
      Map<String, List<String>> timed = new java.util.TreeMap<>();
      for (Measurement m : awaitMeasurements(connection, target, 2, () -> "")) {
        timed
            .computeIfAbsent(m.candidateId(), k -> new ArrayList<>())
            .add(m.objective().toString());
      }
      assertEquals(
          Map.of("short-and-long", List.of("DECODE@16"), "long", List.of("PREFILL@8")), timed);
    }
  }

  /**
   * A runner that runs out of memory on one candidate and fails on another: each request goes to
   * hil.dlq with why, naming the agent and its target, and the agent measures the next.
   */
  @Test
  void aRequestItFailsToMeasureGoesToTheDeadLettersWithWhyAndTheAgentGoesOn() throws Exception {
    HardwareTarget target = new HardwareTarget("it-failing", "fake", null);
    Map<String, Candidate> requested = new java.util.TreeMap<>();
    for (String id : List.of("huge", "broken", "fine")) {
      requested.put(
          id,
          Candidate.builder()
              .layers(2)
              .dModel(64)
              .heads(2, 1)
              .headDim(32)
              .ffnDim(64 * (requested.size() + 1))
              .vocabSize(100)
              .build());
    }
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ProducerSettings.reliable(connection, "it-search"))) {
      requested.forEach(
          (id, c) ->
              producer.send(
                  new ProducerRecord<>(
                      Topics.CANDIDATES.name(),
                      c.archId().getBytes(StandardCharsets.UTF_8),
                      Topics.CANDIDATES
                          .valueSerde()
                          .serializer()
                          .serialize(null, request(id, c, List.of(target.id()), List.of(16))))));
    }
    Runner runner =
        new Runner() {
          @Override
          public List<Double> time(Candidate c, Objective o, int warmups, int repetitions) {
            if (c.equals(requested.get("huge"))) {
              throw new OutOfMemoryError("Java heap space");
            }
            if (c.equals(requested.get("broken"))) {
              throw new IllegalStateException("runner command exited with 3: no such device");
            }
            return List.of(1.0, 1.0, 1.0);
          }

          @Override
          public String runtime() {
            return "fake";
          }
        };
    Measurer.Settings settings =
        new Measurer.Settings(target, List.of(), 0, 3, "it-failing-agent", 1, Map.of());
    MeasuringAgent agent =
        new MeasuringAgent(
            connection, new Measurer(settings, Limits.DEFAULTS, runner, Clock.systemUTC()));
    Thread loop = new Thread(agent::run, "agent-failing");
    loop.start();
    List<Measurement> measured = awaitMeasurements(connection, target, 2, () -> "");
    List<DeadLetter> letters = awaitDeadLetters(connection, "agent:it-failing-agent", 2);
    agent.close();
    loop.join(TimeUnit.SECONDS.toMillis(30));

    assertEquals(List.of("fine", "fine"), measured.stream().map(Measurement::candidateId).toList());
    Map<String, String> why = new java.util.TreeMap<>();
    for (DeadLetter letter : letters) {
      CandidateRequest failed =
          Topics.CANDIDATES.valueSerde().deserializer().deserialize(null, bytes(letter.getValue()));
      why.put(failed.getRequestId(), letter.getReason());
      assertEquals(Topics.CANDIDATES.name(), letter.getSourceTopic());
      assertEquals(target.id(), letter.getTargetId());
      assertEquals(
          Convert.fromAvro(failed.getCandidate()).archId(),
          new String(bytes(letter.getKey()), StandardCharsets.UTF_8));
    }
    assertEquals(
        Map.of(
            "huge", "out of memory: Java heap space",
            "broken", "runner command exited with 3: no such device"),
        why);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  /** Waits for {@code count} committed dead letters of the component, then gives them all. */
  private static List<DeadLetter> awaitDeadLetters(
      KafkaConnection connection, String component, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    List<DeadLetter> out = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      out.clear();
      for (var r : TopicRecords.readAll(connection, Topics.DLQ.name())) {
        DeadLetter letter = Topics.DLQ.valueSerde().deserializer().deserialize(null, r.value());
        if (letter.getComponent().equals(component)) {
          out.add(letter);
        }
      }
      if (out.size() >= count) {
        return out;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("expected " + count + " dead letters, saw " + out);
  }

  /**
   * Agent A, a separate JVM, is killed (SIGKILL) once its first request's measurements are
   * committed, likely in the middle of the next; agent B takes over under the same agent id. Every
   * request ends up measured exactly once: what A had not committed is redone, what it had is not.
   */
  @Test
  void anAgentKilledMidWorkLosesNoRequestAndCountsNoneTwice() throws Exception {
    HardwareTarget target = new HardwareTarget("it-killed", "java-cpu", "fp32");
    List<String> ids = List.of("kill-1", "kill-2", "kill-3", "kill-4");
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ProducerSettings.reliable(connection, "it-search"))) {
      for (int i = 0; i < ids.size(); i++) {
        Candidate c =
            Candidate.builder()
                .layers(4)
                .dModel(128)
                .heads(4, 2)
                .headDim(32)
                .ffnDim(256)
                .vocabSize(256)
                .attention("GLGL")
                .window(8 * (i + 1))
                .build();
        producer.send(
            new ProducerRecord<>(
                Topics.CANDIDATES.name(),
                c.archId().getBytes(StandardCharsets.UTF_8),
                Topics.CANDIDATES
                    .valueSerde()
                    .serializer()
                    .serialize(null, request(ids.get(i), c, List.of(target.id()), List.of(64)))));
      }
    }
    Path log = dir.resolve("agent-a.log");
    Process a =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                AgentIT.class.getName(),
                kafka.bootstrapServers())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      awaitMeasurements(connection, target, 2, () -> Files.readString(log));
    } finally {
      a.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    try (JavaCpuRunner runner = new JavaCpuRunner(1)) {
      MeasuringAgent b = killable(connection, runner);
      Thread loop = new Thread(b::run, "agent-b");
      loop.start();
      List<Measurement> measured =
          awaitMeasurements(connection, target, 2 * ids.size(), () -> Files.readString(log));
      b.close();
      loop.join(TimeUnit.SECONDS.toMillis(30));
      Map<String, Long> perRequest =
          measured.stream()
              .collect(
                  java.util.stream.Collectors.groupingBy(
                      Measurement::candidateId,
                      java.util.TreeMap::new,
                      java.util.stream.Collectors.counting()));
      assertEquals(
          Map.of("kill-1", 2L, "kill-2", 2L, "kill-3", 2L, "kill-4", 2L),
          perRequest,
          "PREFILL and DECODE once per request");
    }
  }

  /** The agent of the kill test, on one thread under one agent id, whichever JVM runs it. */
  private static MeasuringAgent killable(KafkaConnection connection, JavaCpuRunner runner) {
    Measurer.Settings settings =
        new Measurer.Settings(
            new HardwareTarget("it-killed", "java-cpu", "fp32"),
            List.of(),
            2,
            40,
            "it-agent",
            1,
            Map.of("os", "test"));
    return new MeasuringAgent(
        connection, new Measurer(settings, Limits.DEFAULTS, runner, Clock.systemUTC()));
  }

  /** Agent A of the kill test, in a JVM of its own: {@code AgentIT <bootstrap servers>}. */
  public static void main(String[] args) {
    try (JavaCpuRunner runner = new JavaCpuRunner(1)) {
      killable(KafkaConnection.to(args[0]), runner).run();
    }
  }

  private static List<Measurement> awaitMeasurements(KafkaConnection connection, int count)
      throws Exception {
    return awaitMeasurements(
        connection, new HardwareTarget("it-cpu", "java-cpu", "fp32"), count, () -> "");
  }

  /**
   * Waits for {@code count} committed measurements of the target, then gives every one there is.
   */
  private static List<Measurement> awaitMeasurements(
      KafkaConnection connection,
      HardwareTarget target,
      int count,
      java.util.concurrent.Callable<String> context)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    List<Measurement> out = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      out.clear();
      for (var r : TopicRecords.readAll(connection, Topics.MEASUREMENTS.name())) {
        Measurement m =
            Convert.fromAvro(
                Topics.MEASUREMENTS.valueSerde().deserializer().deserialize(null, r.value()));
        if (m.target().equals(target)) {
          out.add(m);
        }
      }
      if (out.size() >= count) {
        return out;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "expected " + count + " measurements, saw " + out.size() + "\n" + context.call());
  }
}
