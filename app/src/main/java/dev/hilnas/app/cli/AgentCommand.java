package dev.hilnas.app.cli;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.runtime.Decoder;
import dev.hilnas.core.runtime.Timing;
import dev.hilnas.producers.ingest.MeasurementJson;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
      "Device agent: measures the real prefill and decode latency of candidates on this machine",
      "with the built-in Java CPU runtime (fp32, random weights, a KV cache for decode).",
      "--once --candidate FILE.json measures one candidate without Kafka and prints Measurement",
      "JSONL lines (DESIGN.md §5). Consuming hil.candidates and --runner cmd are not built yet",
      "(issue 6)."
    })
final class AgentCommand implements Callable<Integer> {

  @Option(names = "--runner", defaultValue = "java-cpu",
      description = "What executes the candidate: java-cpu (default: ${DEFAULT-VALUE}).")
  String runner;

  @Option(names = "--once", description = "Measure one candidate locally and exit (no Kafka).")
  boolean once;

  @Option(names = "--candidate", paramLabel = "FILE.json",
      description = "The candidate for --once, in the compact or per-layer form.")
  Path candidateFile;

  @Option(names = "--threads", description = "Threads for the runtime (default: all cores).")
  Integer threads;

  @Option(names = "--objectives", split = ",", paramLabel = "PHASE@TOKENS",
      defaultValue = "PREFILL@128,DECODE@512",
      description = "What to time (default: ${DEFAULT-VALUE}).")
  List<String> objectives;

  @Option(names = "--runs", defaultValue = "5", description = "Timed repetitions; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--hardware", description = "Hardware name in the measurements (default: <arch>-<threads>thread).")
  String hardware;

  @Option(names = "--json", description = "Print only the Measurement JSONL lines on stdout.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!runner.equals("java-cpu")) {
      throw new IllegalArgumentException("--runner " + runner + " is not available yet; use java-cpu");
    }
    if (!once) {
      throw new IllegalArgumentException(
          "consuming hil.candidates is not built yet (issue 6); use --once --candidate FILE.json");
    }
    if (candidateFile == null) {
      throw new IllegalArgumentException("--once needs --candidate FILE.json");
    }
    if (runs < 1 || warmup < 0) {
      throw new IllegalArgumentException("--runs must be >= 1 and --warmup >= 0");
    }
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    List<Objective> goals = objectives.stream().map(Objective::parse).toList();
    Candidate candidate =
        MeasurementJson.candidateFromTree(
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(candidateFile)));
    HardwareTarget target =
        new HardwareTarget(hardware != null ? hardware : System.getProperty("os.arch") + "-" + n + "thread", "java-cpu", "fp32");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> environment =
        Map.of(
            "jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            "os", System.getProperty("os.name") + " " + System.getProperty("os.version"),
            "cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    String agentId = "agent@" + InetAddress.getLocalHost().getHostName();
    Timing timing = new Timing(System::nanoTime);
    try (Decoder decoder = new Decoder(candidate, 1, n)) {
      for (Objective goal : goals) {
        List<Double> samples = timing.measure(decoder, goal, warmup, runs);
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        double median = sorted.get(sorted.size() / 2);
        Measurement m =
            new Measurement(null, candidateFile.getFileName().toString().replaceFirst("\\.json$", ""),
                candidate, target, goal.phase(), goal.contextLength(), median, samples, agentId,
                Instant.now(), n, environment);
        if (!json) {
          err.printf("%s %s: %.3f ms median of %d [%.3f..%.3f]%n", candidate.archId(), goal,
              median, runs, sorted.get(0), sorted.get(sorted.size() - 1));
        }
        out.println(MeasurementJson.toJson(m));
        out.flush();
      }
    }
    return 0;
  }
}
