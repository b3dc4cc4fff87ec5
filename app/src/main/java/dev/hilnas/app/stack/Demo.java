package dev.hilnas.app.stack;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.core.measure.MeasurementProtocol;
import dev.hilnas.llm.quality.Backbone;
import dev.hilnas.llm.quality.PerplexityEvaluator;
import dev.hilnas.llm.runtime.JavaCpuRunner;
import dev.hilnas.producers.agent.Measurer;
import dev.hilnas.producers.agent.MeasuringAgent;
import dev.hilnas.producers.evaluator.QualityEvaluator;
import dev.hilnas.producers.search.SearchProducer;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.streams.JobSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The whole loop in one JVM: the embedded {@link Stack}, the search producer, a java-cpu agent (one
 * thread) and the quality evaluator, each on its own thread.
 */
public final class Demo implements AutoCloseable {

  /**
   * @param http the HTTP server's limits and TLS
   * @param objectives what the agent times and the frontiers track
   * @param qualityTokens held-out bytes per perplexity
   * @param search the search producer's settings for a target capacity map, given the agent's
   *     target
   * @param limits what the stack, the agent and the evaluator accept
   */
  public record Options(
      Path dataDir,
      int kafkaPort,
      int httpPort,
      HttpSettings http,
      List<String> objectives,
      int qualityTokens,
      java.util.function.Function<Map<String, Integer>, SearchProducer.Settings> search,
      Limits limits,
      Duration refitInterval,
      Duration frontierInterval) {

    /** The job's default refit and frontier intervals. */
    public Options(
        Path dataDir,
        int kafkaPort,
        int httpPort,
        HttpSettings http,
        List<String> objectives,
        int qualityTokens,
        java.util.function.Function<Map<String, Integer>, SearchProducer.Settings> search,
        Limits limits) {
      this(
          dataDir,
          kafkaPort,
          httpPort,
          http,
          objectives,
          qualityTokens,
          search,
          limits,
          JobSettings.DEFAULT_REFIT_INTERVAL,
          JobSettings.DEFAULT_FRONTIER_INTERVAL);
    }
  }

  private final Stack stack;
  private final HardwareTarget target;
  private final JavaCpuRunner runner;
  private final MeasuringAgent agent;
  private final QualityEvaluator evaluator;
  private final SearchProducer search;
  private final List<Thread> threads = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Demo(
      Stack stack,
      HardwareTarget target,
      JavaCpuRunner runner,
      MeasuringAgent agent,
      QualityEvaluator evaluator,
      SearchProducer search) {
    this.stack = stack;
    this.target = target;
    this.runner = runner;
    this.agent = agent;
    this.evaluator = evaluator;
    this.search = search;
  }

  public static Demo start(Options o) throws Exception {
    List<Objective> goals = o.objectives().stream().map(Objective::parse).toList();
    Stack stack =
        Stack.start(
            new Stack.Options(
                o.dataDir(),
                null,
                false,
                o.kafkaPort(),
                o.httpPort(),
                o.http(),
                1,
                Duration.ofSeconds(2),
                o.refitInterval(),
                o.objectives(),
                null,
                true,
                o.limits(),
                0,
                o.frontierInterval()));
    KafkaConnection kafka = KafkaConnection.to(stack.bootstrapServers());
    HardwareTarget target =
        new HardwareTarget(
            System.getProperty("os.arch") + "-1thread", JavaCpuRunner.name(), "fp32");
    String host = java.net.InetAddress.getLocalHost().getHostName();
    JavaCpuRunner runner = new JavaCpuRunner(1);
    // The agent and the evaluator take turns: a perplexity evaluation on the other core (its
    // matrices through the same caches and memory) would slow the timings beside it, now and then
    Lock cores = new ReentrantLock(true);
    MeasuringAgent agent =
        new MeasuringAgent(
            kafka,
            new Measurer(
                    new Measurer.Settings(
                        target,
                        goals,
                        1,
                        3,
                        "demo-agent-" + host,
                        1,
                        Map.of("jvm", System.getProperty("java.version"))),
                    o.limits(),
                    runner,
                    Clock.systemUTC())
                // adaptive: warm-up until stable, so a cold JIT is never published as a point
                .withProtocol(MeasurementProtocol.adaptive(MeasurementProtocol.Settings.DEFAULT))
                .withDevice(cores));
    QualityEvaluator evaluator =
        new QualityEvaluator(
            kafka,
            "demo-evaluator-" + host,
            new PerplexityEvaluator(
                Backbone.shipped(), Backbone.shippedHeldOut(), o.qualityTokens(), 1),
            o.limits(),
            cores);
    SearchProducer search =
        new SearchProducer(kafka, o.search().apply(Map.of(target.id(), 1)), Clock.systemUTC());
    Demo demo = new Demo(stack, target, runner, agent, evaluator, search);
    demo.spawn("agent", agent::run);
    demo.spawn("evaluator", evaluator::run);
    demo.spawn("search", search::run);
    return demo;
  }

  private void spawn(String name, Runnable body) {
    Thread t = new Thread(body, "demo-" + name);
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  public HardwareTarget target() {
    return target;
  }

  public int httpPort() {
    return stack.httpPort();
  }

  /** The live page, {@code http://localhost:8080/}. */
  public String httpUrl() {
    return stack.httpUrl();
  }

  /**
   * The progress line: what the search requested and got evaluated, then what the stack's own API
   * says (measurements and frontier sizes per target, candidates waiting for the agent, dead
   * letters): {@code requested 13, evaluated 11 · 22 measurements, frontier points DECODE@256 5,
   * PREFILL@256 2 · 2 waiting for an agent · 0 dead letters}.
   */
  public String status() {
    var p = search.progress();
    StringBuilder line =
        new StringBuilder(
            String.format("requested %d, evaluated %d", p.requested(), p.evaluated()));
    if (p.lost() > 0 || p.givenUp() > 0) {
      line.append(String.format(" (%d lost to the timeout, %d given up)", p.lost(), p.givenUp()));
    }
    try {
      line.append(" · ").append(StackStatus.fetch(http, stack.httpUrl()).oneLine());
    } catch (IOException e) {
      line.append(" · stack: ").append(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return line.toString();
  }

  @Override
  public void close() throws Exception {
    search.close();
    agent.close();
    evaluator.close();
    for (Thread t : threads) {
      t.join(30_000);
    }
    runner.close();
    stack.close();
  }
}
