package dev.hilnas.app.cli;

import dev.hilnas.app.stack.Demo;
import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "The whole loop on this machine: the embedded stack (Kafka, the Flink job, Kafka Streams,",
      "the query service), the search producer over prunings of the shipped backbone, the",
      "java-cpu agent timing them for real and the quality evaluator scoring them. Open the",
      "printed URL to watch the frontier improve; a progress line follows on the console.",
      "Starts from scratch in a new data directory unless --data-dir is given. Ctrl-C stops."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      description = "Broker logs and checkpoints (default: a new temporary directory).")
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

  @Option(
      names = "--refit-interval",
      description =
          "The most often a target's latency model is refitted and published"
              + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "250ms")
  Duration refitInterval;

  @Option(
      names = "--frontier-interval",
      description =
          "The most often a target publishes its frontier updates, each carrying every change"
              + " since the last; 0ms: after each record (default: ${DEFAULT-VALUE}).",
      defaultValue = "250ms")
  Duration frontierInterval;

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
      description = "Progress line interval (default: ${DEFAULT-VALUE}).")
  Duration progressEvery;

  @Override
  public Integer call() throws Exception {
    Limits accepted = limits.limits();
    // a typo, or an objective beyond the limits, fails here, before a broker starts
    objectives.forEach(o -> accepted.check(Objective.parse(o)));
    HttpSettings httpSettings = http.settings();
    Path data = dataDir != null ? dataDir : Files.createTempDirectory("hilnas-demo-");
    Demo demo =
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
                refitInterval,
                frontierInterval));
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              System.err.println("\nhilnas demo: stopping (data in " + data + ")");
              try {
                demo.close();
              } catch (Exception e) {
                System.err.println("hilnas: shutdown was not clean: " + e);
              }
              stopped.countDown();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.err.printf(
        "hilnas demo: live frontier at %s — target %s; Ctrl-C stops%n",
        demo.httpUrl(), demo.target().id());
    long start = System.nanoTime();
    long deadline = runFor == null ? Long.MAX_VALUE : start + runFor.toNanos();
    while (!stopped.await(
        Math.max(1, Math.min(progressEvery.toMillis(), (deadline - System.nanoTime()) / 1_000_000)),
        TimeUnit.MILLISECONDS)) {
      long s = (System.nanoTime() - start) / 1_000_000_000;
      System.err.printf("[%d:%02d] %s%n", s / 60, s % 60, demo.status());
      if (System.nanoTime() >= deadline) {
        Runtime.getRuntime().removeShutdownHook(hook);
        hook.run();
      }
    }
    return 0;
  }
}
