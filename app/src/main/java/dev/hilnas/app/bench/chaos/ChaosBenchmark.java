package dev.hilnas.app.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.bench.SyntheticMeasurements;
import dev.hilnas.cluster.ClusterSpec;
import dev.hilnas.cluster.ClusterState;
import dev.hilnas.cluster.Faults;
import dev.hilnas.cluster.FlinkJobs;
import dev.hilnas.cluster.LocalCluster;
import dev.hilnas.cluster.Role;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Quality;
import dev.hilnas.llm.runtime.JavaCpuRunner;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code hilnas bench chaos}: a local cluster ({@link LocalCluster}) under a steady mixed stream
 * ({@link ChaosStream}, and agents measuring for real), while one process after another is
 * SIGKILLed and started again: the leader of a hil.measurements partition, a TaskManager running
 * the job, the JobManager (the job then resubmitted from its newest retained checkpoint), the query
 * service, an agent. Each fault opens a phase whose measurements go to targets of their own, so
 * that the first of them served by the query service marks when fresh results flow again, and what
 * was lost or doubled is told per fault. When the stream has drained, {@link ChaosCheck} recounts
 * everything from the topics.
 */
public final class ChaosBenchmark {
  private ChaosBenchmark() {}

  /** The faults, in the order they are done; {@code NONE} is the baseline phase before them. */
  public enum Fault {
    NONE("none (baseline)"),
    BROKER("leader broker"),
    TASKMANAGER("TaskManager"),
    JOBMANAGER("JobManager"),
    QUERY("query service"),
    AGENT("agent");

    final String label;

    Fault(String label) {
      this.label = label;
    }
  }

  static final String AGENT_HARDWARE = "chaos-agent";

  /**
   * @param cluster the cluster to start (its directory is the run's)
   * @param hilnas the command that runs the hilnas CLI, for the agents
   * @param duration the whole stream, divided evenly among the baseline and the five faults
   * @param rate measurements a second, Kafka and HTTP together
   * @param httpShare of them posted over HTTP
   * @param badShare of the Kafka records, bad ones (for the DLQ)
   * @param agents agent processes measuring for real
   * @param down how long a killed process stays dead before it is started again
   */
  public record Settings(
      ClusterSpec cluster,
      List<String> hilnas,
      Duration duration,
      int rate,
      double httpShare,
      double badShare,
      int agents,
      Duration down) {}

  /**
   * One fault's phase.
   *
   * @param process what was killed, e.g. {@code broker-2}
   * @param recoverySeconds from the kill until the first measurement sent after it was served by
   *     the query service (for the agent: until the restarted agent's first measurement was on
   *     hil.measurements); null when that never happened
   * @param accepted measurements of the phase that Kafka acknowledged or the gateway answered 200
   *     for (for the agent: the agents' measurements on the input, all phases)
   * @param lost accepted but not counted by the job
   * @param duplicated counted more often than accepted
   */
  public record FaultResult(
      String fault,
      String process,
      Double recoverySeconds,
      long accepted,
      long lost,
      long duplicated) {}

  /**
   * @param faults the baseline first, then each fault
   * @param ratePerSecond measurements sent a second over the whole stream (Kafka and HTTP)
   * @param writtenWithoutAnswer on the input though the sender got no acknowledgement (a retried
   *     send whose first try had landed): counted like the rest, never twice
   * @param repeatedRecords records on the input whose id came before: dropped by the job
   * @param badAcknowledged bad records Kafka acknowledged; {@code deadLetters} the DLQ's records of
   *     hil.measurements; {@code dlqExact} whether they are exactly the bad records, once each
   * @param frontiersEqual whether every (target, objective) frontier the job published equals its
   *     batch recomputation
   * @param cellsBeyondKeptRepeats (target, candidate, objective) cells measured more often than a
   *     frontier keeps repeats: there the batch cannot know which the job kept
   */
  public record Result(
      List<FaultResult> faults,
      long lost,
      long duplicated,
      boolean frontiersEqual,
      long accepted,
      double durationSeconds,
      double ratePerSecond,
      long writtenWithoutAnswer,
      long repeatedRecords,
      long badAcknowledged,
      long deadLetters,
      boolean dlqExact,
      int targets,
      int frontierDifferences,
      List<String> frontierDifferenceSamples,
      long cellsBeyondKeptRepeats,
      long kafkaSendFailures,
      long httpRetries,
      Double drainSeconds) {}

  public static Result run(Settings s, Consumer<String> progress) throws Exception {
    Path dir = s.cluster().dir();
    Files.createDirectories(dir);
    String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    int phases = Fault.values().length;

    // the HTTP device may report for the HTTP target of every phase
    Set<String> httpTargets = new HashSet<>();
    IntStream.range(0, phases).forEach(k -> httpTargets.add(ChaosStream.httpTarget(k)));
    Devices.Added device = new Devices(List.of()).add(ChaosStream.DEVICE, httpTargets);
    Path devices = dir.resolve("devices.json");
    device.devices().write(devices);
    ClusterSpec spec = withQueryOptions(s.cluster(), List.of("--devices", devices.toString()));

    progress.accept("starting the cluster in " + dir);
    long upStarted = System.nanoTime();
    ClusterState cluster = LocalCluster.up(spec, progress);
    progress.accept(String.format("cluster up in %.1f s", (System.nanoTime() - upStarted) / 1e9));
    String bootstrap = cluster.bootstrap();
    URI query = URI.create(cluster.query());
    List<Candidate> evaluated = publishQuality(bootstrap, 30);
    Agents agents = new Agents(s, bootstrap, dir.resolve("logs"));
    Probe probe = new Probe(query, bootstrap);
    List<Double> recoveries = new ArrayList<>();
    List<String> killed = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        ChaosStream stream =
            new ChaosStream(
                run,
                bootstrap,
                query,
                device.token(),
                s.rate(),
                s.httpShare(),
                s.badShare(),
                evaluated)) {
      agents.start();
      probe.start();
      long phaseNanos = s.duration().toNanos() / phases;
      long started = System.nanoTime();
      long[] kills = new long[phases];
      stream.start();
      // on a fixed schedule: each fault at the start of its phase; when fresh results flowed
      // again is read from what the probe saw, once everything has drained
      for (Fault fault : Fault.values()) {
        int k = fault.ordinal();
        // a phase lasts at least its share, and until its fresh results were served (at most 3
        // minutes): a fault must not fall into the recovery from the one before
        sleepUntil(Math.max(started + k * phaseNanos, k == 0 ? 0 : kills[k - 1] + phaseNanos));
        if (k > 0) {
          awaitFresh(probe, k - 1, kills[k - 1]);
        }
        kills[k] = System.nanoTime();
        String process =
            fault == Fault.NONE ? "" : inject(fault, dir, cluster, admin, agents, probe);
        stream.phase(k);
        killed.add(process);
        progress.accept(
            String.format(
                "%5.0f s  %-16s %s",
                (kills[k] - started) / 1e9,
                fault.label,
                process.isEmpty() ? "" : "killed " + process));
        if (fault != Fault.NONE) {
          Thread.sleep(s.down().toMillis());
          restart(fault, dir, process, agents);
          progress.accept(
              String.format(
                  "%5.0f s  %-16s restarted", (System.nanoTime() - started) / 1e9, fault.label));
        }
      }
      sleepUntil(Math.max(started + phases * phaseNanos, kills[phases - 1] + phaseNanos));
      awaitFresh(probe, phases - 1, kills[phases - 1]);
      stream.stop();
      double seconds = (System.nanoTime() - started) / 1e9;
      agents.stop();
      progress.accept(
          String.format(
              "stream stopped after %.0f s: %d sent, %d accepted; draining",
              seconds, stream.sent.get(), stream.accepted.size()));

      // drained: the job's counts match its input; given up when they stop growing for 2 minutes
      long drainStarted = System.nanoTime();
      ChaosCheck check = new ChaosCheck(bootstrap).read();
      Map<String, Long> expected = check.expectedCounts();
      Double drain = null;
      long lastProgress = System.nanoTime();
      Map<String, Long> before = Map.of();
      while (System.nanoTime() - lastProgress < TimeUnit.MINUTES.toNanos(2)) {
        Map<String, Long> counted = ChaosCheck.latestCounts(bootstrap);
        if (counted.equals(expected)) {
          drain = (System.nanoTime() - drainStarted) / 1e9;
          break;
        }
        if (!counted.equals(before)) {
          lastProgress = System.nanoTime();
          before = counted;
          long behind =
              expected.entrySet().stream()
                  .mapToLong(e -> e.getValue() - counted.getOrDefault(e.getKey(), 0L))
                  .sum();
          progress.accept(String.format("draining: %d measurements still to count", behind));
        }
        Thread.sleep(5000);
      }
      // fresh results of the last phases may have been served only now
      Thread.sleep(2000);
      probe.stop();
      for (Fault fault : Fault.values()) {
        recoveries.add(probe.fresh(fault, fault.ordinal(), kills[fault.ordinal()]));
      }
      check = new ChaosCheck(bootstrap).read();
      return result(s, stream, check, recoveries, killed, seconds, drain);
    } finally {
      agents.stop();
      probe.stop();
      progress.accept("stopping the cluster");
      LocalCluster.down(dir, Duration.ofSeconds(20), line -> {});
    }
  }

  /** Until phase {@code k}'s fresh results were seen, at most 3 minutes after its kill. */
  private static void awaitFresh(Probe probe, int k, long kill) throws InterruptedException {
    Fault fault = Fault.values()[k];
    long cap = kill + TimeUnit.MINUTES.toNanos(3);
    while (probe.fresh(fault, k, kill) == null && System.nanoTime() < cap) {
      Thread.sleep(200);
    }
  }

  private static Result result(
      Settings s,
      ChaosStream stream,
      ChaosCheck check,
      List<Double> recoveries,
      List<String> killed,
      double seconds,
      Double drain) {
    Map<String, Long> expected = check.expectedCounts();
    Map<String, Long> counted = check.countedCounts();
    Set<String> targets = new HashSet<>(expected.keySet());
    targets.addAll(counted.keySet());
    List<FaultResult> rows = new ArrayList<>();
    long lostAll = 0;
    long duplicatedAll = 0;
    long acceptedAll = 0;
    for (Fault fault : Fault.values()) {
      int k = fault.ordinal();
      Set<String> mine = new HashSet<>();
      mine.add(ChaosStream.kafkaTarget(k, 0));
      mine.add(ChaosStream.kafkaTarget(k, 1));
      mine.add(ChaosStream.httpTarget(k));
      if (fault == Fault.AGENT) {
        mine.add(agentTarget());
      }
      long accepted = 0;
      long lost = 0;
      for (var e : stream.accepted.entrySet()) {
        if (mine.contains(e.getValue())) {
          accepted++;
          if (!check.onInput(e.getValue(), e.getKey())) {
            lost++; // acknowledged, yet not on the input
          }
        }
      }
      if (fault == Fault.AGENT) {
        accepted += expected.getOrDefault(agentTarget(), 0L);
      }
      long duplicated = 0;
      for (String t : mine) {
        long difference = counted.getOrDefault(t, 0L) - expected.getOrDefault(t, 0L);
        if (difference > 0) {
          duplicated += difference;
        } else {
          lost -= difference;
        }
      }
      rows.add(
          new FaultResult(
              fault.label, killed.get(k), recoveries.get(k), accepted, lost, duplicated));
      lostAll += lost;
      duplicatedAll += duplicated;
      acceptedAll += accepted;
    }
    long writtenWithoutAnswer = 0;
    for (var e : check.input.entrySet()) {
      if (!e.getKey().equals(agentTarget())) {
        for (String id : e.getValue().keySet()) {
          if (!stream.accepted.containsKey(id)) {
            writtenWithoutAnswer++;
          }
        }
      }
    }
    Set<String> letters = new HashSet<>(check.deadLetters);
    boolean dlqExact =
        letters.size() == check.deadLetters.size() && letters.equals(stream.badAcknowledged);
    List<ChaosCheck.FrontierDifference> differences = check.compareFrontiers();
    return new Result(
        rows,
        lostAll,
        duplicatedAll,
        differences.isEmpty(),
        acceptedAll,
        seconds,
        stream.sent.get() / seconds,
        writtenWithoutAnswer,
        check.repeatedRecords,
        stream.badAcknowledged.size(),
        check.deadLetters.size(),
        dlqExact,
        targets.size(),
        differences.size(),
        differences.stream()
            .limit(3)
            .map(d -> d.target() + " " + d.objective() + ": " + d.what())
            .toList(),
        check.cellsBeyondKeptRepeats(),
        stream.kafkaFailed.get(),
        stream.httpRefused.get() + stream.httpUnanswered.get(),
        drain);
  }

  /** As the agents name it: they run on this JVM's options, so with its runtime (vector or not). */
  static String agentTarget() {
    return new HardwareTarget(AGENT_HARDWARE, JavaCpuRunner.name(), "fp32").id();
  }

  private static String inject(
      Fault fault, Path dir, ClusterState cluster, Admin admin, Agents agents, Probe probe)
      throws Exception {
    return switch (fault) {
      case NONE -> "";
      case BROKER -> {
        int leader = Faults.leaderOfBusiestPartition(admin, Topics.MEASUREMENTS.name());
        yield Faults.kill(dir, Role.BROKER, leader).name();
      }
      case TASKMANAGER -> {
        String job = FlinkJobs.runningJob(cluster.jobManager()).orElseThrow();
        int tm = FlinkJobs.taskManagerRunning(cluster.jobManager(), job, "per-target");
        yield Faults.kill(dir, Role.TASKMANAGER, tm).name();
      }
      case JOBMANAGER -> Faults.kill(dir, Role.JOBMANAGER, 1).name();
      case QUERY -> Faults.kill(dir, Role.QUERY, 1).name();
      case AGENT -> {
        probe.agentKilled(Agents.id(0));
        yield agents.kill(0);
      }
    };
  }

  private static void restart(Fault fault, Path dir, String process, Agents agents)
      throws Exception {
    switch (fault) {
      case NONE -> {}
      case AGENT -> agents.restart(0);
      case JOBMANAGER -> {
        LocalCluster.restart(dir, Role.JOBMANAGER, 1);
        // a JobManager without high availability forgot the job: submitted again, resuming from
        // the newest retained checkpoint (--restore latest)
        LocalCluster.resubmit(dir);
      }
      default -> {
        Role role = Role.of(process.substring(0, process.lastIndexOf('-')));
        LocalCluster.restart(
            dir, role, Integer.parseInt(process.substring(process.lastIndexOf('-') + 1)));
      }
    }
  }

  private static ClusterSpec withQueryOptions(ClusterSpec c, List<String> options) {
    return new ClusterSpec(
        c.dir(),
        c.brokers(),
        c.taskManagers(),
        c.slots(),
        c.parallelism(),
        c.kafkaLib(),
        c.flinkLib(),
        c.jobJar(),
        c.hilnas(),
        c.queryPort(),
        c.java(),
        options);
  }

  /** Perplexity for a few candidates, which the stream then measures now and then. */
  private static List<Candidate> publishQuality(String bootstrap, int count) {
    SplittableRandom random = new SplittableRandom(5);
    List<Candidate> out = new ArrayList<>();
    try (var producer = producer(bootstrap)) {
      for (int i = 0; i < count; i++) {
        Candidate drawn = SyntheticMeasurements.candidate(random);
        // half at 32 bits: the agents' fp32 target takes only those onto its frontiers
        Candidate c = i % 2 == 0 ? drawn.withWeightBits(32) : drawn;
        out.add(c);
        Quality q =
            new Quality(
                "q" + i, c, Quality.PERPLEXITY, 5 + 50 * random.nextDouble(), "chaos", "chaos");
        producer.send(
            new ProducerRecord<>(
                Topics.QUALITY.name(),
                c.archId().getBytes(StandardCharsets.UTF_8),
                Topics.QUALITY.valueSerde().serializer().serialize(null, Convert.toAvro(q))));
      }
    }
    return out;
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = KafkaConnection.to(bootstrap).clientProperties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  /**
   * Agent processes of one target sharing its consumer group, each measuring for real with the
   * built-in Java runtime, fed small candidates on hil.candidates.
   */
  static final class Agents {
    private final Settings settings;
    private final String bootstrap;
    private final Path logs;
    private final Process[] processes;
    private final AtomicBoolean feeding = new AtomicBoolean(true);
    private Thread feeder;

    Agents(Settings settings, String bootstrap, Path logs) {
      this.settings = settings;
      this.bootstrap = bootstrap;
      this.logs = logs;
      this.processes = new Process[settings.agents()];
    }

    void start() throws Exception {
      for (int i = 0; i < processes.length; i++) {
        processes[i] = launch(i);
      }
      feeder = new Thread(this::feed, "chaos-candidates");
      feeder.start();
    }

    private Process launch(int i) throws Exception {
      List<String> command = new ArrayList<>(settings.hilnas());
      command.addAll(
          List.of(
              "agent",
              "--bootstrap",
              bootstrap,
              "--hardware",
              AGENT_HARDWARE,
              "--threads",
              "1",
              "--runs",
              "3",
              "--warmup",
              "1",
              "--objectives",
              "PREFILL@512,DECODE@512",
              "--agent-id",
              id(i)));
      File log = logs.resolve(id(i) + ".log").toFile();
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    }

    static String id(int i) {
      return "chaos-agent-" + (i + 1);
    }

    String kill(int i) throws Exception {
      processes[i].destroyForcibly();
      processes[i].waitFor(30, TimeUnit.SECONDS);
      return id(i);
    }

    void restart(int i) throws Exception {
      processes[i] = launch(i);
    }

    /** Two small candidates a second for the agents' target. */
    private void feed() {
      SplittableRandom random = new SplittableRandom(9);
      try (var producer = producer(bootstrap)) {
        int n = 0;
        while (feeding.get()) {
          int layers = 2 + random.nextInt(3);
          Candidate c =
              Candidate.builder()
                  .layers(layers)
                  .dModel(128)
                  .heads(2, 1)
                  .headDim(64)
                  .ffnDim(128 * (2 + random.nextInt(3)))
                  .vocabSize(256)
                  .attention("G".repeat(layers))
                  .window(128)
                  .build();
          CandidateRequest request =
              CandidateRequest.newBuilder()
                  .setRequestId("chaos-" + (n++))
                  .setCandidate(Convert.toAvro(c))
                  .setTargets(List.of(agentTarget()))
                  .setContexts(List.of(512))
                  .setReason("bench chaos")
                  .setGeneration(0)
                  .setRequestedAt(Instant.now())
                  .build();
          producer.send(
              new ProducerRecord<>(
                  Topics.CANDIDATES.name(),
                  c.archId().getBytes(StandardCharsets.UTF_8),
                  Topics.CANDIDATES.valueSerde().serializer().serialize(null, request)));
          Thread.sleep(500);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void stop() throws InterruptedException {
      feeding.set(false);
      if (feeder != null) {
        feeder.join();
      }
      for (Process p : processes) {
        if (p != null && p.isAlive()) {
          p.destroy();
          if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        }
      }
    }
  }

  /**
   * When fresh results flow: the first time the query service serves each target, and when each
   * agent's measurements show on hil.measurements (committed ones).
   */
  static final class Probe {
    private static final HttpClient HTTP =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final URI targets;
    private final String bootstrap;
    private final Map<String, Long> firstServed = new ConcurrentHashMap<>();
    private final Map<String, Long> agentFirstSeenAfter = new ConcurrentHashMap<>();
    private final Set<String> agentsKilled = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Probe(URI query, String bootstrap) {
      this.targets = query.resolve("api/v1/targets");
      this.bootstrap = bootstrap;
    }

    void start() {
      threads.add(new Thread(this::pollServed, "chaos-probe-http"));
      threads.add(new Thread(this::tailAgents, "chaos-probe-agents"));
      threads.forEach(Thread::start);
    }

    private void pollServed() {
      while (running.get()) {
        try {
          HttpResponse<String> r =
              HTTP.send(
                  HttpRequest.newBuilder(targets).timeout(Duration.ofSeconds(5)).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            long now = System.nanoTime();
            for (JsonNode t : Json.MAPPER.readTree(r.body())) {
              if (t.path("measurements").asLong() > 0) {
                firstServed.putIfAbsent(t.path("target").asText(), now);
              }
            }
          }
        } catch (Exception e) {
          // not answering (killed, or restoring): nothing served
        }
        sleep(250);
      }
    }

    /** Only the agents' target's records are decoded: they are keyed by target id. */
    private void tailAgents() {
      Properties p = KafkaConnection.to(bootstrap).clientProperties();
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      byte[] key = agentTarget().getBytes(StandardCharsets.UTF_8);
      try (var consumer =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> parts =
            consumer.partitionsFor(Topics.MEASUREMENTS.name()).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition()))
                .toList();
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        while (running.get()) {
          for (var r : consumer.poll(Duration.ofMillis(250))) {
            if (r.key() != null && java.util.Arrays.equals(r.key(), key)) {
              try {
                LatencyMeasurement m =
                    Topics.MEASUREMENTS.valueSerde().deserializer().deserialize(null, r.value());
                String agent = m.getAgentId() == null ? "" : m.getAgentId().toString();
                if (agentsKilled.contains(agent)) {
                  agentFirstSeenAfter.putIfAbsent(agent, System.nanoTime());
                }
              } catch (RuntimeException e) {
                // not a measurement: not the agents'
              }
            }
          }
        }
      } catch (RuntimeException e) {
        if (running.get()) {
          throw e;
        }
      }
    }

    /**
     * Seconds from {@code since} until fresh results of phase {@code k}: one of its targets first
     * served (or, for the agent, the killed agent's first measurement committed after it), or null
     * when that never happened.
     */
    Double fresh(Fault fault, int k, long since) {
      Long at;
      if (fault == Fault.AGENT) {
        at = agentFirstSeenAfter.get(Agents.id(0));
      } else {
        at =
            List.of(
                    ChaosStream.kafkaTarget(k, 0),
                    ChaosStream.kafkaTarget(k, 1),
                    ChaosStream.httpTarget(k))
                .stream()
                .map(firstServed::get)
                .filter(t -> t != null)
                .min(Long::compare)
                .orElse(null);
      }
      return at == null ? null : (at - since) / 1e9;
    }

    /** From now on, the next measurement of {@code agent} is its first after a restart. */
    void agentKilled(String agent) {
      agentFirstSeenAfter.remove(agent);
      agentsKilled.add(agent);
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
