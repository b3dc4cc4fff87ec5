package dev.hilnas.app.cli;

import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.app.stack.StackStatus;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Principal;
import dev.hilnas.streams.JobSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "The stack without agents: Kafka, the Flink job, the query service, ingest.",
      "",
      "Run the embedded stack: a Kafka broker (KRaft, in-process), the hil.* topics, the Flink measurement job on a MiniCluster with exactly-once checkpoints, and the query service. Data and checkpoints survive restarts. Stop with Ctrl-C."
    })
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

  @Option(
      names = "--data-dir",
      description =
          "Broker logs, Flink checkpoints, Streams state and hilnas.log (default: ${DEFAULT-VALUE}).",
      defaultValue = "${sys:user.home}/.hilnas/data")
  Path dataDir;

  @Option(
      names = "--port",
      description = "Embedded broker client port (default: ${DEFAULT-VALUE}).",
      defaultValue = "9092")
  int port;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Use this Kafka cluster instead of the embedded broker.")
  String bootstrap;

  @Option(
      names = "--replication",
      description =
          "Replicas of the topics it creates (default: one per broker of the cluster, up to 3).")
  int replication;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties of a secured cluster to use instead of the embedded broker"
              + " (security.protocol, sasl.*, ssl.*; its bootstrap.servers stands in for"
              + " --bootstrap): every part of the stack connects with them.")
  Path kafkaConfig;

  @Option(
      names = "--secure",
      description =
          "Run the embedded broker secured: SASL/SCRAM users, one per part of hilnas, each allowed"
              + " only its own topics by ACLs; their client settings go to <data-dir>/kafka/.")
  boolean secure;

  @Option(
      names = "--http-port",
      description = "Query service port (default: ${DEFAULT-VALUE}).",
      defaultValue = "8080")
  int httpPort;

  @Mixin HttpOptions http;

  @Option(
      names = "--parallelism",
      description = "Flink parallelism (default: ${DEFAULT-VALUE}).",
      defaultValue = "2")
  int parallelism;

  @Option(
      names = "--checkpoint-interval",
      description = "Exactly-once commit interval (default: ${DEFAULT-VALUE}).",
      defaultValue = "2s")
  Duration checkpointInterval;

  @Mixin PacingOptions pacing;

  @Option(
      names = "--objectives",
      split = ",",
      paramLabel = "PHASE@TOKENS",
      description =
          "Frontiers kept per target (default: PREFILL@512,PREFILL@2048,PREFILL@8192,DECODE@512,DECODE@2048,DECODE@8192).")
  List<String> objectives = JobSettings.DEFAULT_OBJECTIVES;

  @Option(
      names = "--devices",
      description =
          "Devices allowed to POST /api/v1/measurements, made with `hilnas device add`"
              + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "${env:HILNAS_DEVICES:-${sys:user.home}/.hilnas/devices.json}")
  Path devices;

  @Option(
      names = "--no-job",
      description =
          "Do not run the Flink job here: a Flink cluster runs the job jar"
              + " (streams/target/hilnas-streams-*-job.jar). Needs --bootstrap or --kafka-config.")
  boolean noJob;

  @Option(
      names = "--for",
      description = "Stop by itself after this long (default: run until Ctrl-C).")
  Duration runFor;

  @Mixin LimitsOptions limits;

  @Option(
      names = "--status-every",
      defaultValue = "5s",
      description =
          "How often the status line is printed when the console is not a terminal; on a terminal"
              + " it is redrawn every second (default: ${DEFAULT-VALUE}).")
  Duration statusEvery;

  @Override
  public Integer call() throws Exception {
    Limits accepted = limits.limits();
    // a typo, or an objective beyond the limits, fails here, before a broker starts
    objectives.forEach(o -> accepted.check(Objective.parse(o)));
    if (replication < 0) {
      throw new IllegalArgumentException("--replication must be >= 1, got " + replication);
    }
    if (secure && (bootstrap != null || kafkaConfig != null)) {
      throw new IllegalArgumentException(
          "--secure secures the embedded broker; a cluster given with --bootstrap or"
              + " --kafka-config is secured its own way");
    }
    KafkaConnection external =
        kafkaConfig != null
            ? KafkaConnection.read(kafkaConfig, bootstrap)
            : bootstrap != null ? KafkaConnection.to(bootstrap) : null;
    if (noJob && external == null) {
      throw new IllegalArgumentException(
          "--no-job needs --bootstrap or --kafka-config: the cluster running the job must share"
              + " the Kafka");
    }
    HttpSettings httpSettings = http.settings();
    FreePorts.require("--http-port", httpPort);
    if (external == null) {
      FreePorts.require("--port", port);
    }
    AtomicReference<Stack> running = new AtomicReference<>();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    StatusLine line =
        ConsoleLog.toFile(
            dataDir.resolve("hilnas.log"),
            () -> running.get() == null ? "starting" : status(client, running.get()),
            statusEvery);
    Stack stack;
    try {
      stack =
          Stack.start(
              new Stack.Options(
                  dataDir,
                  external,
                  secure,
                  port,
                  httpPort,
                  httpSettings,
                  parallelism,
                  checkpointInterval,
                  pacing.refitInterval,
                  objectives,
                  Devices.read(devices),
                  !noJob,
                  accepted,
                  replication,
                  pacing.frontierInterval));
    } catch (Exception e) {
      line.close();
      throw e;
    }
    running.set(stack);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              line.close();
              System.err.println("hilnas: stopping (checkpoints kept in " + dataDir + ")");
              closeQuietly(stack);
              stopped.countDown();
            },
            "hilnas-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Map<String, Path> users = stack.clientProperties();
    if (!users.isEmpty()) {
      line.say(
          String.format(
              "Kafka takes SASL/SCRAM users only. Their client settings, secrets to hand to whoever"
                  + " runs as each (e.g. agent --kafka-config %s):",
              users.get(Principal.DEVICE.user())));
      users.forEach((user, file) -> line.say(String.format("  %-9s %s", user, file)));
    }
    line.say(
        String.format(
            "hilnas is serving: Kafka at %s, query service at %s — Ctrl-C stops",
            stack.bootstrapServers(), stack.httpUrl()));
    if (runFor != null) {
      if (!stopped.await(runFor.toMillis(), TimeUnit.MILLISECONDS)) {
        Runtime.getRuntime().removeShutdownHook(hook);
        hook.run();
      }
    } else {
      stopped.await();
    }
    return 0;
  }

  /** What the stack's own API says, or why it cannot say it (TLS with a self-made certificate). */
  private static String status(HttpClient client, Stack stack) {
    try {
      return StackStatus.fetch(client, stack.httpUrl()).oneLine();
    } catch (IOException e) {
      return "status unavailable: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "stopping";
    }
  }

  private static void closeQuietly(Stack stack) {
    try {
      stack.close();
    } catch (Exception e) {
      System.err.println("hilnas: shutdown was not clean: " + e);
    }
  }
}
