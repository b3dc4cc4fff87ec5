package dev.hilnas.app.cli;

import dev.hilnas.app.stack.Stack;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Objective;
import dev.hilnas.core.quality.PerplexityEvaluator;
import dev.hilnas.core.runtime.JavaCpuRunner;
import dev.hilnas.core.search.SearchSpace;
import dev.hilnas.producers.agent.Measurer;
import dev.hilnas.producers.agent.MeasuringAgent;
import dev.hilnas.producers.evaluator.QualityEvaluator;
import dev.hilnas.producers.search.SearchProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  @Option(names = "--data-dir", description = "Broker logs and checkpoints (default: a new temporary directory).")
  Path dataDir;

  @Option(names = "--http-port", defaultValue = "8080", description = "Query service port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--port", defaultValue = "0", description = "Embedded broker port (default: any free port).")
  int port;

  @Option(names = "--objectives", split = ",", paramLabel = "PHASE@TOKENS", defaultValue = "PREFILL@256,DECODE@256",
      description = "What the agent times and the frontiers track (default: ${DEFAULT-VALUE}).")
  List<String> objectives;

  @Mixin SearchOptions search;

  @Option(names = "--for", description = "Stop by itself after this long (default: run until Ctrl-C).")
  Duration runFor;

  @Option(names = "--progress-every", defaultValue = "5s", description = "Progress line interval (default: ${DEFAULT-VALUE}).")
  Duration progressEvery;

  @Override
  public Integer call() throws Exception {
    List<Objective> goals = objectives.stream().map(Objective::parse).toList();
    Path data = dataDir != null ? dataDir : Files.createTempDirectory("hilnas-demo-");
    Stack stack = Stack.start(new Stack.Options(data, null, port, httpPort, 1, Duration.ofSeconds(2), Duration.ofSeconds(1), objectives, null, true));
    String bootstrap = stack.bootstrapServers();
    HardwareTarget target = new HardwareTarget(System.getProperty("os.arch") + "-1thread", "java-cpu", "fp32");
    String host = java.net.InetAddress.getLocalHost().getHostName();
    JavaCpuRunner runner = new JavaCpuRunner(1);
    MeasuringAgent agent = new MeasuringAgent(bootstrap, new Measurer(
        new Measurer.Settings(target, goals, 1, 3, "demo-agent-" + host, 1, Map.of("jvm", System.getProperty("java.version"))),
        runner, Clock.systemUTC()));
    QualityEvaluator evaluator = new QualityEvaluator(bootstrap, "demo-evaluator-" + host, PerplexityEvaluator.shipped(1));
    SearchProducer producer = new SearchProducer(bootstrap, search.settings(Map.of(target.id(), 1)), Clock.systemUTC());
    List<Thread> threads = new ArrayList<>();
    for (var entry : Map.<String, Runnable>of("agent", agent::run, "evaluator", evaluator::run, "search", producer::run).entrySet()) {
      Thread t = new Thread(entry.getValue(), "demo-" + entry.getKey());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      System.err.println("\nhilnas demo: stopping (data in " + data + ")");
      producer.close();
      agent.close();
      evaluator.close();
      for (Thread t : threads) {
        try {
          t.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      runner.close();
      try {
        stack.close();
      } catch (Exception e) {
        System.err.println("hilnas: shutdown was not clean: " + e);
      }
      stopped.countDown();
    }, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.err.printf("hilnas demo: live frontier at http://localhost:%d/ — target %s; Ctrl-C stops%n", stack.httpPort(), target.id());
    long start = System.nanoTime();
    long deadline = runFor == null ? Long.MAX_VALUE : start + runFor.toNanos();
    while (!stopped.await(Math.min(progressEvery.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS)) {
      long s = (System.nanoTime() - start) / 1_000_000_000;
      System.err.printf("[%d:%02d] %s%n", s / 60, s % 60, producer.status());
      if (System.nanoTime() >= deadline) {
        Runtime.getRuntime().removeShutdownHook(hook);
        hook.run();
      }
    }
    return 0;
  }
}
