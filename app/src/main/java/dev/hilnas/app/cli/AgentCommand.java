package dev.hilnas.app.cli;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import dev.hilnas.core.measure.MeasurementProtocol;
import dev.hilnas.llm.runtime.JavaCpuRunner;
import dev.hilnas.llm.runtime.LlamaCppProcessRunner;
import dev.hilnas.llm.runtime.gguf.GgmlType;
import dev.hilnas.producers.agent.CandidateLines;
import dev.hilnas.producers.agent.CommandRunner;
import dev.hilnas.producers.agent.Measurer;
import dev.hilnas.producers.agent.MeasuringAgent;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.MeasurementJson;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Measure candidates' latency: from Kafka, or locally (--once).",
      "",
      "Device agent: measures the real prefill and decode latency of candidates on this machine with the built-in Java CPU runtime (fp32, random weights, a KV cache for decode). Without --once it consumes hil.candidates (one consumer group per target, so identical devices share the work) and publishes to hil.measurements, exactly once, until Ctrl-C. --once --candidate FILE.json measures one candidate without Kafka and prints Measurement JSONL lines (docs/contracts.md); --once --candidates FILE.jsonl measures many, one per line, timing the reference candidate before each as the Kafka agent does. --runner cmd --command '...' times with an external benchmark command instead (protocol: tools/runners/example-runner.sh and the README); --runner llama.cpp times in the bundled llama.cpp (a GGUF with random q8_0 or q4_0 weights per candidate), in a worker process replaced every --llama-recycle candidates."
    })
final class AgentCommand implements Callable<Integer> {

  @Option(
      names = "--runner",
      defaultValue = "java-cpu",
      description =
          "What executes the candidate: java-cpu, llama.cpp or cmd (default: ${DEFAULT-VALUE}).")
  String runner;

  @Option(
      names = "--weight-type",
      defaultValue = "q8_0",
      description =
          "For --runner llama.cpp: q8_0 or q4_0, the weights' type and the target's precision (default: ${DEFAULT-VALUE}).")
  String weightType;

  @Option(
      names = "--llama-recycle",
      paramLabel = "N",
      defaultValue = "16",
      description =
          "For --runner llama.cpp: a fresh worker process after N candidates (the reference candidate counts), or once it passes 2 GiB resident;"
              + " java-llama.cpp frees no model it closes (default: ${DEFAULT-VALUE}).")
  int llamaRecycle;

  @Option(
      names = "--command",
      paramLabel = "'SHELL COMMAND'",
      description =
          "For --runner cmd: run per candidate under sh -c; candidate JSON on stdin and in $HILNAS_CANDIDATE_FILE.")
  String command;

  @Option(
      names = "--runtime",
      description =
          "Runtime name in the target, e.g. llama.cpp (default: the runner's name; java-cpu-vector where the Vector API kernels run, on JDK 21+).")
  String runtime;

  @Option(
      names = "--precision",
      description =
          "Precision in the target, e.g. q4_0 or fp16 (default: fp32 for java-cpu, which runs nothing else;"
              + " --weight-type for llama.cpp; none for cmd). Name what the command really runs: each precision gets its own latency model.")
  String precision;

  @Option(
      names = "--command-timeout",
      defaultValue = "10m",
      description =
          "For --runner cmd and llama.cpp: give up on one candidate after this long; a llama.cpp"
              + " worker that hangs is killed and a fresh one takes the next (default:"
              + " ${DEFAULT-VALUE}).")
  Duration commandTimeout;

  @Option(
      names = "--once",
      description = "Measure --candidate or --candidates locally and exit (no Kafka).")
  boolean once;

  @Option(
      names = "--candidate",
      paramLabel = "FILE.json",
      description = "The candidate for --once, in the compact or per-layer form.")
  Path candidateFile;

  @Option(
      names = "--candidates",
      paramLabel = "FILE.jsonl",
      description =
          "Instead of --candidate: one candidate per line, or {candidateId, candidate, objectives} with the id and"
              + " objectives optional. Progress goes to stderr; a candidate that fails is reported and skipped.")
  Path candidatesFile;

  @Option(names = "--threads", description = "Threads for the runtime (default: all cores).")
  Integer threads;

  @Option(
      names = "--objectives",
      split = ",",
      paramLabel = "PHASE@TOKENS",
      defaultValue = "PREFILL@128,DECODE@512",
      description = "What to time (default: ${DEFAULT-VALUE}).")
  List<String> objectives;

  /**
   * java-cpu timed a 4-layer, dModel 256 candidate at PREFILL and DECODE@8192 in 4 minutes on 2
   * cores.
   */
  private static final int JAVA_CPU_MAX_MEASURED_CONTEXT = 2048;

  @Option(
      names = "--max-measured-context",
      paramLabel = "TOKENS",
      description =
          "Without --once: leave out objectives a request asks at longer contexts (the latency model predicts them); a request"
              + " left with none is timed at --objectives; 0 leaves none out (default: 2048 for java-cpu, whose attention at 8k"
              + " tokens takes minutes per candidate; 0 for llama.cpp and cmd).")
  Integer maxMeasuredContext;

  @Option(
      names = "--protocol",
      defaultValue = "adaptive",
      description =
          "How each objective is sampled. Adaptive: warm up until the last runs agree, then sample until the median's 95%% interval is within --ci-width,"
              + " at most --max-runs; fixed: --warmup and --runs, once more when they spread > 20%% (default: ${DEFAULT-VALUE}).")
  String protocol;

  @Option(
      names = "--max-runs",
      defaultValue = "30",
      description =
          "For --protocol adaptive: at most this many timed runs (default: ${DEFAULT-VALUE}).")
  int maxRuns;

  @Option(
      names = "--max-warmups",
      defaultValue = "30",
      description =
          "For --protocol adaptive: at most this many warm-up runs; warm-up that has not settled by then is"
              + " recorded as protocol.warmedUp=false (default: ${DEFAULT-VALUE}).")
  int maxWarmups;

  @Option(
      names = "--ci-width",
      defaultValue = "0.05",
      description =
          "For --protocol adaptive: sample until the median's 95%% interval is this narrow, relative (default: ${DEFAULT-VALUE}).")
  double ciWidth;

  @Option(
      names = "--no-reference",
      description =
          "Without --once or with --candidates: do not time the reference candidate before each candidate (protocol.speedFactor).")
  boolean noReference;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description =
          "For --protocol fixed: timed repetitions; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "For --protocol fixed: untimed runs first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--hardware",
      description = "Hardware name in the measurements (default: <arch>-<threads>thread).")
  String hardware;

  @Option(
      names = "--agent-id",
      description =
          "This agent's id, unique per running agent (default: agent-<host>-<pid>). Keep it across restarts:"
              + " a restarted agent then aborts the transaction its predecessor left open at once, instead of"
              + " after the broker's transaction timeout (1 min), which holds back every measurement behind it.")
  String agentId;

  @Option(names = "--json", description = "Print only the Measurement JSONL lines on stdout.")
  boolean json;

  @CommandLine.Mixin KafkaOptions kafka;

  @CommandLine.Mixin LimitsOptions limits;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!List.of("java-cpu", "llama.cpp", "cmd").contains(runner)) {
      throw new IllegalArgumentException(
          "--runner must be java-cpu, llama.cpp or cmd, got " + runner);
    }
    if (!weightType.equals("q8_0") && !weightType.equals("q4_0")) {
      throw new IllegalArgumentException("--weight-type must be q8_0 or q4_0, got " + weightType);
    }
    if (runner.equals("cmd") == (command == null)) {
      throw new IllegalArgumentException(
          "--command goes with --runner cmd, and --runner cmd needs --command");
    }
    if (llamaRecycle < 1) {
      throw new IllegalArgumentException("--llama-recycle must be >= 1, got " + llamaRecycle);
    }
    if (maxMeasuredContext != null && maxMeasuredContext < 0) {
      throw new IllegalArgumentException(
          "--max-measured-context must be >= 0 (0 leaves nothing out), got " + maxMeasuredContext);
    }
    if (runs < 1 || warmup < 0) {
      throw new IllegalArgumentException("--runs must be >= 1 and --warmup >= 0");
    }
    MeasurementProtocol sampling =
        switch (protocol) {
          case "fixed" -> MeasurementProtocol.fixed(warmup, runs);
          case "adaptive" -> MeasurementProtocol.adaptive(adaptiveSettings());
          default ->
              throw new IllegalArgumentException(
                  "--protocol must be adaptive or fixed, got " + protocol);
        };
    warnOfOptionsTheProtocolIgnores();
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Limits accepted = limits.limits();
    List<Objective> goals =
        objectives.stream().map(o -> accepted.check(Objective.parse(o))).toList();
    String targetPrecision = precision(runner, precision, weightType);
    // a bad name fails now, before a runner starts (llama.cpp's loads a model to start)
    new HardwareTarget(hardware != null ? hardware : "hardware", "runtime", targetPrecision);
    Map<String, String> environment =
        Map.of(
            "jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            "os", System.getProperty("os.name") + " " + System.getProperty("os.version"),
            "cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    List<CandidateLines.Entry> candidates = List.of();
    if (once) { // read before a runner starts (llama.cpp's loads a model to start)
      if (spec.commandLine().getParseResult().hasMatchedOption("--max-measured-context")) {
        spec.commandLine()
            .getErr()
            .println(
                "warning: --max-measured-context applies to requests from Kafka, not to --once,"
                    + " which times what it is given");
      }
      if ((candidateFile == null) == (candidatesFile == null)) {
        throw new IllegalArgumentException(
            "--once needs one of --candidate FILE.json and --candidates FILE.jsonl");
      }
      candidates =
          candidateFile != null
              ? List.of(
                  new CandidateLines.Entry(
                      candidateFile.getFileName().toString().replaceFirst("\\.json$", ""),
                      CandidateJson.read(candidateFile, accepted),
                      goals))
              : CandidateLines.read(candidatesFile, accepted, goals);
    }
    try (Closeable chosen = runner(n)) {
      HardwareTarget target =
          new HardwareTarget(
              hardware != null ? hardware : System.getProperty("os.arch") + "-" + n + "thread",
              runtime != null ? runtime : chosen.runner().runtime(),
              targetPrecision);
      return run(target, environment, goals, accepted, n, chosen, sampling, candidates);
    }
  }

  private int run(
      HardwareTarget target,
      Map<String, String> environment,
      List<Objective> goals,
      Limits accepted,
      int n,
      Closeable chosen,
      MeasurementProtocol sampling,
      List<CandidateLines.Entry> candidates)
      throws Exception {
    String id =
        agentId != null
            ? agentId
            : "agent-"
                + InetAddress.getLocalHost().getHostName()
                + "-"
                + ProcessHandle.current().pid();
    Measurer.Settings settings =
        new Measurer.Settings(target, goals, warmup, runs, id, n, environment);
    if (!once) {
      return serve(settings, accepted, n, chosen, sampling);
    }
    // many candidates follow the device's speed as the Kafka agent does; one alone has no drift
    Measurer measurer =
        new Measurer(settings, accepted, chosen.runner(), Clock.systemUTC())
            .withProtocol(sampling)
            .withReference(
                candidatesFile == null || noReference ? null : Measurer.Reference.standard());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int failed = 0;
    for (int i = 0; i < candidates.size(); i++) {
      CandidateLines.Entry entry = candidates.get(i);
      String progress = candidates.size() > 1 ? "[" + (i + 1) + "/" + candidates.size() + "] " : "";
      List<Measurement> measured;
      try {
        measured = measurer.measure(entry.candidate(), entry.candidateId(), entry.objectives());
      } catch (RuntimeException e) {
        if (candidatesFile == null) {
          throw e;
        }
        failed++;
        err.printf("%s%s failed: %s%n", progress, entry.candidateId(), e.getMessage());
        err.flush();
        continue;
      }
      for (Measurement m : measured) {
        if (!json || candidatesFile != null) {
          err.printf(
              "%s%s %s: %.3f ms median of %s%n",
              progress,
              candidatesFile == null ? entry.candidate().archId() : entry.candidateId(),
              m.objective(),
              m.latencyMs(),
              m.samplesMs());
        }
        out.println(MeasurementJson.toJson(m));
      }
      out.flush();
      err.flush();
    }
    if (failed > 0) {
      err.printf("%d of %d candidates failed%n", failed, candidates.size());
      return 1;
    }
    return 0;
  }

  private MeasurementProtocol.Settings adaptiveSettings() {
    MeasurementProtocol.Settings d = MeasurementProtocol.Settings.DEFAULT;
    return new MeasurementProtocol.Settings(
            d.window(),
            d.stableSpread(),
            maxWarmups,
            d.minSamples(),
            d.batch(),
            ciWidth,
            d.maxSamples())
        .withMaxSamples(maxRuns);
  }

  /**
   * The target's precision: what the runner runs (fp32 for java-cpu, the weight type for
   * llama.cpp), which --precision may only repeat; for cmd the one given, else none.
   */
  static String precision(String runner, String given, String weightType) {
    String runs =
        switch (runner) {
          case "java-cpu" -> "fp32";
          case "llama.cpp" -> weightType.toLowerCase(java.util.Locale.ROOT);
          default -> null;
        };
    if (runs != null && given != null && !given.equals(runs)) {
      throw new IllegalArgumentException(
          "--runner "
              + runner
              + (runner.equals("java-cpu") ? " runs fp32 only" : " runs its --weight-type " + runs)
              + ", got --precision "
              + given);
    }
    return runs != null ? runs : given;
  }

  /** The Kafka agent loop, until Ctrl-C. */
  private int serve(
      Measurer.Settings settings,
      Limits accepted,
      int n,
      Closeable chosen,
      MeasurementProtocol sampling)
      throws InterruptedException {
    KafkaConnection connection = kafka.connection();
    // rather than Kafka's client warning twice a second, then failing after a minute
    KafkaReach.await(connection, spec.commandLine().getErr());
    MeasuringAgent agent =
        new MeasuringAgent(
            connection,
            new Measurer(settings, accepted, chosen.runner(), Clock.systemUTC())
                .withProtocol(sampling)
                .withReference(noReference ? null : Measurer.Reference.standard()),
            maxMeasuredContext != null
                ? maxMeasuredContext
                : runner.equals("java-cpu") ? JAVA_CPU_MAX_MEASURED_CONTEXT : 0);
    spec.commandLine()
        .getErr()
        .printf(
            "agent %s measuring for %s (%d thread%s) from %s — Ctrl-C stops%n",
            settings.agentId(),
            settings.target().id(),
            n,
            n == 1 ? "" : "s",
            connection.bootstrapServers());
    Foreground.run("agent", agent::run, agent::close);
    return 0;
  }

  /** The chosen runner, closed with the command. */
  private Closeable runner(int threads) {
    if (runner.equals("cmd")) {
      return new Closeable(new CommandRunner(command, commandTimeout), () -> {});
    }
    if (runner.equals("llama.cpp")) {
      LlamaCppProcessRunner llama =
          new LlamaCppProcessRunner(
              threads,
              GgmlType.valueOf(weightType.toUpperCase(java.util.Locale.ROOT)),
              1,
              new LlamaCppProcessRunner.Recycling(
                  llamaRecycle,
                  LlamaCppProcessRunner.Recycling.DEFAULT.rssBytes(),
                  commandTimeout));
      return new Closeable(llama, llama::close);
    }
    JavaCpuRunner java = new JavaCpuRunner(threads);
    return new Closeable(java, java::close);
  }

  private record Closeable(Runner runner, Runnable closer) implements AutoCloseable {
    @Override
    public void close() {
      closer.run();
    }
  }

  /**
   * Options of the other protocol, given on the command line, would otherwise do nothing unsaid.
   */
  private void warnOfOptionsTheProtocolIgnores() {
    CommandLine.ParseResult given = spec.commandLine().getParseResult();
    List<String> ignored =
        (protocol.equals("adaptive")
                ? List.of("--runs", "--warmup")
                : List.of("--max-runs", "--max-warmups", "--ci-width"))
            .stream().filter(given::hasMatchedOption).toList();
    if (!ignored.isEmpty()) {
      spec.commandLine()
          .getErr()
          .printf(
              "warning: %s %s to --protocol %s, not to %s, which is used%n",
              String.join(" and ", ignored),
              ignored.size() == 1 ? "applies" : "apply",
              protocol.equals("adaptive") ? "fixed" : "adaptive",
              protocol);
    }
  }
}
