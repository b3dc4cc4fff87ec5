package dev.hilnas.app.cli;

import dev.hilnas.app.stack.Demo;
import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "The whole loop on this machine: stack, search, a Java CPU agent, the evaluator.",
      "",
      "In one JVM: the embedded stack (Kafka, the Flink job, Kafka Streams, the query service), the search producer over prunings of the shipped backbone, the java-cpu agent timing them for real and the quality evaluator scoring them. Open the printed URL to watch the frontier improve; the console shows a status line, warnings and errors, and the logs go to hilnas.log in the data directory. Starts from scratch in a new data directory unless --data-dir is given. Ctrl-C stops."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      description =
          "Broker logs, checkpoints, Streams state and hilnas.log (default: a new directory under ~/.hilnas/demo/).")
  Path dataDir;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "Query service port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Embedded broker port (default: any free port).")
  int port;

  @Option(
      names = "--objectives",
      split = ",",
      paramLabel = "PHASE@TOKENS",
      defaultValue = "PREFILL@256,DECODE@256",
      description = "What the agent times and the frontiers track (default: ${DEFAULT-VALUE}).")
  List<String> objectives;

  @Option(
      names = "--quality-tokens",
      defaultValue = "2048",
      description =
          "Held-out bytes per perplexity (default: ${DEFAULT-VALUE}: half of `quality`'s, so the evaluator keeps up with the agent).")
  int qualityTokens;

  @Mixin PacingOptions pacing;

  @Mixin SearchOptions search;

  @Mixin LimitsOptions limits;
  @Mixin HttpOptions http;

  @Option(
      names = "--for",
      description = "Stop by itself after this long (default: run until Ctrl-C).")
  Duration runFor;

  @Option(
      names = "--progress-every",
      defaultValue = "5s",
      description =
          "How often the status line is printed when the console is not a terminal; on a terminal it is redrawn every second (default: ${DEFAULT-VALUE}).")
  Duration progressEvery;

  @Override
  public Integer call() throws Exception {
    Limits accepted = limits.limits();
    // a typo, or an objective beyond the limits, fails here, before a broker starts
    objectives.forEach(o -> accepted.check(Objective.parse(o)));
    search.learnByDefault(objectives); // the agent then times the frontiers' objectives throughout
    HttpSettings httpSettings = http.settings();
    // the search's options are read once the stack runs, for its target: a typo fails here
    search.settings(Map.of(), accepted);
    FreePorts.require("--http-port", httpPort);
    FreePorts.require("--port", port);
    // not under the OS temp directory, which Kafka Streams warns the OS may clear under its state
    Path data = dataDir != null ? dataDir : newDataDir();
    AtomicReference<Demo> running = new AtomicReference<>();
    StatusLine line =
        ConsoleLog.toFile(
            data.resolve("hilnas.log"),
            () -> running.get() == null ? "starting the stack" : running.get().status(),
            progressEvery);
    Demo demo;
    try {
      demo =
          Demo.start(
              new Demo.Options(
                  data,
                  port,
                  httpPort,
                  httpSettings,
                  objectives,
                  qualityTokens,
                  capacity -> search.settings(capacity, accepted),
                  accepted,
                  pacing.refitInterval,
                  pacing.frontierInterval));
    } catch (Exception e) {
      line.close();
      throw e;
    }
    running.set(demo);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              line.close();
              System.err.println("hilnas demo: stopping (data in " + data + ")");
              try {
                demo.close();
              } catch (Exception e) {
                System.err.println("hilnas: shutdown was not clean: " + e);
              }
              stopped.countDown();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    line.say(
        String.format(
            "hilnas demo: live frontier at %s — target %s; Ctrl-C stops",
            demo.httpUrl(), demo.target().id()));
    if (runFor == null) {
      stopped.await();
    } else if (!stopped.await(runFor.toMillis(), TimeUnit.MILLISECONDS)) {
      Runtime.getRuntime().removeShutdownHook(hook);
      hook.run();
    }
    return 0;
  }

  /** {@code ~/.hilnas/demo/20261130-152443}: a new one per demo. */
  private static Path newDataDir() throws java.io.IOException {
    Path root = Path.of(System.getProperty("user.home"), ".hilnas", "demo");
    Files.createDirectories(root);
    String stamp =
        java.time.LocalDateTime.now()
            .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = root.resolve(stamp);
    for (int i = 2; Files.exists(dir); i++) {
      dir = root.resolve(stamp + "-" + i);
    }
    return Files.createDirectories(dir);
  }
}
