package dev.hilnas.app.cli.bench;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import dev.hilnas.core.Statistics;
import dev.hilnas.core.measure.MeasurementProtocol;
import dev.hilnas.core.measure.RepeatAgreement;
import dev.hilnas.llm.runtime.JavaCpuRunner;
import dev.hilnas.llm.runtime.LlamaCppProcessRunner;
import dev.hilnas.llm.runtime.gguf.GgmlType;
import dev.hilnas.producers.agent.Measurer;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "repeat",
    mixinStandardHelpOptions = true,
    description = {
      "Repeat agreement of the measurement protocols on the same candidates.",
      "",
      "Repeat agreement of the measurement protocols: the same small random candidates measured twice, --gap apart, with the fixed protocol (--warmup 2 --runs 5, the old agent default) and the adaptive one interleaved candidate by candidate, so both see the same machine; how many second latencies lie within ±5%% and ±10%% of the first, per protocol and objective. With the defaults it takes about 4 minutes on 2 cores (the 2-minute gap included)."
    })
final class BenchRepeatCommand implements Callable<Integer> {

  @Option(
      names = "--runner",
      defaultValue = "java-cpu",
      description = "The runtime measured: java-cpu or llama.cpp (default: ${DEFAULT-VALUE}).")
  String runner;

  @Option(
      names = "--candidates",
      defaultValue = "30",
      description = "Random small candidates (default: ${DEFAULT-VALUE}).")
  int candidates;

  @Option(
      names = "--objectives",
      split = ",",
      defaultValue = "PREFILL@128,DECODE@128",
      description = "What is timed (default: ${DEFAULT-VALUE}).")
  List<String> objectives;

  @Option(
      names = "--gap",
      defaultValue = "2m",
      description = "Pause between the two passes (default: ${DEFAULT-VALUE}).")
  Duration gap;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the candidates (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--reference",
      defaultValue = "standard",
      description =
          "The drift reference timed before each candidate: standard (DECODE@128, the agents') or per-objective (the same"
              + " candidate at each objective, just before it) (default: ${DEFAULT-VALUE}).")
  String reference;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (candidates < 1) {
      throw new IllegalArgumentException("--candidates must be >= 1");
    }
    List<Objective> goals = objectives.stream().map(Objective::parse).toList();
    List<Candidate> pool = candidates(candidates, new Random(seed));
    Map<String, MeasurementProtocol> protocols = new LinkedHashMap<>();
    protocols.put("fixed", MeasurementProtocol.fixed(2, 5));
    protocols.put("adaptive", MeasurementProtocol.adaptive(MeasurementProtocol.Settings.DEFAULT));
    PrintWriter err = spec.commandLine().getErr();
    Measurer.Reference drift =
        switch (reference) {
          case "standard" -> Measurer.Reference.standard();
          case "per-objective" -> Measurer.Reference.perObjective();
          default ->
              throw new IllegalArgumentException(
                  "--reference must be standard or per-objective, got " + reference);
        };
    if (!runner.equals("java-cpu") && !runner.equals("llama.cpp")) {
      throw new IllegalArgumentException("--runner must be java-cpu or llama.cpp, got " + runner);
    }
    Runner timing =
        runner.equals("llama.cpp")
            ? new LlamaCppProcessRunner(
                threads, GgmlType.Q8_0, 1, LlamaCppProcessRunner.Recycling.DEFAULT)
            : new JavaCpuRunner(threads);
    try (AutoCloseable closer = (AutoCloseable) timing) {
      Map<String, Measurer> measurers = new LinkedHashMap<>();
      for (var p : protocols.entrySet()) {
        measurers.put(
            p.getKey(),
            new Measurer(
                    new Measurer.Settings(
                        new HardwareTarget("bench", timing.runtime()),
                        goals,
                        2,
                        5,
                        "bench-repeat",
                        threads,
                        Map.of()),
                    Limits.DEFAULTS,
                    timing,
                    Clock.systemUTC())
                .withProtocol(p.getValue())
                .withReference(drift));
      }
      Map<String, List<List<Measurement>>> passes = new LinkedHashMap<>();
      Map<String, List<Double>> seconds = new LinkedHashMap<>();
      protocols.keySet().forEach(p -> passes.put(p, new ArrayList<>()));
      protocols.keySet().forEach(p -> seconds.put(p, new ArrayList<>()));
      for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
          err.printf("waiting %s before the second pass%n", gap);
          err.flush();
          Thread.sleep(gap.toMillis());
        }
        List<List<Measurement>> byProtocol = new ArrayList<>();
        for (String p : protocols.keySet()) {
          byProtocol.add(new ArrayList<>());
        }
        for (int i = 0; i < pool.size(); i++) {
          int k = 0;
          for (var m : measurers.entrySet()) {
            long start = System.nanoTime();
            byProtocol.get(k++).addAll(m.getValue().measure(pool.get(i), "c" + i, goals));
            seconds.get(m.getKey()).add((System.nanoTime() - start) / 1e9);
          }
          err.printf("pass %d: %d/%d candidates%n", pass + 1, i + 1, pool.size());
          err.flush();
        }
        int k = 0;
        for (String p : protocols.keySet()) {
          passes.get(p).add(byProtocol.get(k++));
        }
      }
      report(goals, passes, seconds, timing.runtime());
    }
    return 0;
  }

  private void report(
      List<Objective> goals,
      Map<String, List<List<Measurement>>> passes,
      Map<String, List<Double>> seconds,
      String runtime)
      throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("runtime", runtime);
    json.put("candidates", candidates);
    json.put("gapSeconds", gap.toSeconds());
    json.put("threads", threads);
    json.put("reference", reference);
    List<Map<String, Object>> rows = new ArrayList<>();
    if (!this.json) {
      out.printf(
          "%d candidates on %s, %d thread(s), passes %s apart%n",
          candidates, runtime, threads, gap);
      out.printf(
          "%-9s %-14s %9s %9s %13s %11s %13s%n",
          "protocol", "objective", "±5%", "±10%", "median |Δ|", "s/candidate", "speed factor");
    }
    for (var p : passes.entrySet()) {
      List<Measurement> first = p.getValue().get(0);
      List<Measurement> second = p.getValue().get(1);
      double perCandidate = Statistics.median(seconds.get(p.getKey()));
      for (Objective o : goals) {
        List<Double> a = latencies(first, o);
        List<Double> b = latencies(second, o);
        RepeatAgreement agreement = RepeatAgreement.of(a, b);
        // each latency over the reference's timed just before it: the device's drift divided out
        RepeatAgreement relative =
            RepeatAgreement.of(relativeToReference(first, o), relativeToReference(second, o));
        String factor = lastSpeedFactor(second);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("protocol", p.getKey());
        row.put("objective", o.toString());
        row.put("pairs", agreement.pairs());
        row.put("within5", agreement.within5());
        row.put("within10", agreement.within10());
        row.put("medianChange", agreement.medianChange());
        row.put("within5Drift", relative.within5());
        row.put("within10Drift", relative.within10());
        row.put("medianChangeDrift", relative.medianChange());
        row.put("secondsPerCandidate", perCandidate);
        row.put("lastSpeedFactor", factor);
        rows.add(row);
        if (!this.json) {
          out.printf(
              "%-9s %-14s %4d/%-4d %4d/%-4d %10.1f%% %9d/%-4d%3d/%-4d %11.2f %13s%n",
              p.getKey(),
              o,
              agreement.within5(),
              agreement.pairs(),
              agreement.within10(),
              agreement.pairs(),
              100 * agreement.medianChange(),
              relative.within5(),
              relative.pairs(),
              relative.within10(),
              relative.pairs(),
              perCandidate,
              factor);
        }
      }
    }
    json.put("results", rows);
    if (this.json) {
      out.println(Json.MAPPER.writeValueAsString(json));
    }
    out.flush();
  }

  private static List<Double> latencies(List<Measurement> pass, Objective o) {
    return pass.stream().filter(m -> m.objective().equals(o)).map(Measurement::latencyMs).toList();
  }

  private static List<Double> relativeToReference(List<Measurement> pass, Objective o) {
    return pass.stream()
        .filter(m -> m.objective().equals(o))
        .map(m -> m.latencyMs() / Double.parseDouble(m.environment().get("protocol.referenceMs")))
        .toList();
  }

  private static String lastSpeedFactor(List<Measurement> pass) {
    return pass.isEmpty()
        ? "1"
        : pass.get(pass.size() - 1).environment().getOrDefault("protocol.speedFactor", "1");
  }

  /**
   * Small random candidates that every runner runs exactly: widths in whole 32-weight blocks, a
   * vocabulary of at least 256, global or skipped layers (no local ones, which llama.cpp runs as
   * global).
   */
  static List<Candidate> candidates(int n, Random random) {
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int layers = 2 + random.nextInt(5);
      StringBuilder attention = new StringBuilder("G");
      for (int l = 1; l < layers; l++) {
        attention.append(random.nextInt(4) == 0 ? 'S' : 'G');
      }
      int kv = 1 + random.nextInt(2);
      out.add(
          Candidate.builder()
              .layers(layers)
              .dModel(128 * (1 + random.nextInt(3)))
              .heads(kv * (1 + random.nextInt(2)), kv)
              .headDim(32)
              .ffnDim(256 * (1 + random.nextInt(3)))
              .vocabSize(1024 * (1 + random.nextInt(4)))
              .attention(attention.toString())
              .build());
    }
    return out;
  }
}
