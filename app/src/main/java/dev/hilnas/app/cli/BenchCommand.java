package dev.hilnas.app.cli;

import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.app.bench.IngestBenchmark;
import dev.hilnas.app.bench.ModelBenchmark;
import dev.hilnas.core.Statistics;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print their figures next to a baseline measured in the same run.",
    subcommands = {BenchCommand.Ingest.class, BenchCommand.Model.class, BenchCommand.RuntimeSpeed.class, BenchCommand.Fleet.class, BenchCommand.Search.class})
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  @Command(
      name = "ingest",
      mixinStandardHelpOptions = true,
      description = {
        "N synthetic measurements through import → Kafka → Flink (validation + per-target state,",
        "exactly-once) until the job's committed output accounts for all of them, next to a raw",
        "Kafka produce+consume of the same serialized records on the same embedded broker."
      })
  static final class Ingest implements Callable<Integer> {
    @Option(names = "--records", defaultValue = "200000", description = "Measurements per repetition (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--targets", defaultValue = "8", description = "Hardware targets (default: ${DEFAULT-VALUE}).")
    int targets;

    @Option(names = "--repeat", defaultValue = "3", description = "Repetitions; medians are reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--checkpoint-interval", defaultValue = "1s", description = "Job commit interval (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--json", description = "End the output with one JSON object of the figures.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (records < 1 || repeat < 1 || targets < 1) {
        throw new IllegalArgumentException("--records, --targets and --repeat must be >= 1");
      }
      var err = spec.commandLine().getErr();
      err.printf("bench ingest: %,d measurements over %d targets, %d repetitions (+ warm-up)%n", records, targets, repeat);
      IngestBenchmark.Result r =
          IngestBenchmark.run(records, targets, repeat, checkpointInterval, i -> err.printf("  repetition %d/%d done%n", i, repeat));
      var out = spec.commandLine().getOut();
      out.printf("raw Kafka produce+consume      : %,10.0f records/s  %s%n", r.rawMedian(), spread(r.rawPerSecond()));
      out.printf("hilnas import→Kafka→Flink (EO) : %,10.0f records/s  %s%n", r.pipelineMedian(), spread(r.pipelinePerSecond()));
      out.printf("ratio hilnas / raw             : %10.2f%n", r.pipelineMedian() / r.rawMedian());
      out.printf("(medians; [min..max] over %d repetitions; checkpoint interval %d ms bounds commit latency)%n", repeat, checkpointInterval.toMillis());
      if (json) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("records", records);
        j.put("targets", targets);
        j.put("repeat", repeat);
        j.put("raw_records_per_s", r.rawMedian());
        j.put("pipeline_records_per_s", r.pipelineMedian());
        j.put("ratio", r.pipelineMedian() / r.rawMedian());
        j.put("raw_runs", r.rawPerSecond());
        j.put("pipeline_runs", r.pipelinePerSecond());
        out.println(Json.MAPPER.writeValueAsString(j));
      }
      out.flush();
      return 0;
    }

  }

  static String spread(List<Double> runs) {
    return String.format("[%,.0f..%,.0f]", Collections.min(runs), Collections.max(runs));
  }

  static String tenths(List<Double> runs) {
    return String.format("[%.1f..%.1f]", Collections.min(runs), Collections.max(runs));
  }

  @Command(
      name = "model",
      mixinStandardHelpOptions = true,
      description = {
        "Latency model speed on one thread: a full cross-validated fit and the fast refit (what the",
        "Flink job runs per target at most once a second) on a full target, and candidate-phase",
        "predictions per second next to the floor measured in the same run: extracting the same",
        "candidates' features."
      })
  static final class Model implements Callable<Integer> {
    @Option(names = "--candidates", defaultValue = "1024",
        description = "Architectures to fit on, 2 contexts x 2 phases each (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--predictions", defaultValue = "5000000",
        description = "Predictions per repetition (default: ${DEFAULT-VALUE}).")
    int predictions;

    @Option(names = "--repeat", defaultValue = "5", description = "Repetitions; medians are reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--oracle-data", defaultValue = "data/x86-1thread-numpy.jsonl",
        description = "Real measurements; the model fitted on them gives the workload's latencies (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path oracleData;

    @Option(names = "--json", description = "End the output with one JSON object of the figures.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (candidates < 1 || predictions < 1 || repeat < 1) {
        throw new IllegalArgumentException("--candidates, --predictions and --repeat must be >= 1");
      }
      var err = spec.commandLine().getErr();
      err.printf("bench model: fit on %,d candidates, %,d predictions, %d repetitions (+ warm-up)%n",
          candidates, predictions, repeat);
      ModelBenchmark.Result r =
          ModelBenchmark.run(MeasurementFiles.read(oracleData, err), candidates, predictions, repeat, i -> err.printf("  repetition %d/%d done%n", i, repeat));
      var out = spec.commandLine().getOut();
      out.printf("full fit, %,d points per phase   : %,10.1f ms  %s  (%d residual trees chosen)%n",
          r.pointsPerPhase(), r.fitMedianMs(), spreadMs(r.fitMs()), r.residualTrees());
      out.printf("fast refit, same points         : %,10.1f ms  %s%n", r.refitMedianMs(), spreadMs(r.refitMs()));
      out.printf("features only (floor)           : %,10.0f /s  %s%n", r.featuresMedian(), spread(r.featuresPerSecond()));
      out.printf("predict (features + model)      : %,10.0f /s  %s%n", r.predictMedian(), spread(r.predictionsPerSecond()));
      out.printf("ratio predict / floor           : %10.2f%n", r.predictMedian() / r.featuresMedian());
      out.printf("(one thread; medians, [min..max] over %d repetitions)%n", repeat);
      if (json) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("points_per_phase", r.pointsPerPhase());
        j.put("fit_ms", r.fitMedianMs());
        j.put("refit_ms", r.refitMedianMs());
        j.put("residual_trees", r.residualTrees());
        j.put("predictions_per_s", r.predictMedian());
        j.put("features_per_s", r.featuresMedian());
        j.put("fit_runs_ms", r.fitMs());
        j.put("predict_runs", r.predictionsPerSecond());
        j.put("features_runs", r.featuresPerSecond());
        out.println(Json.MAPPER.writeValueAsString(j));
      }
      out.flush();
      return 0;
    }

    private static String spreadMs(List<Double> runs) {
      return String.format("[%,.1f..%,.1f]", Collections.min(runs), Collections.max(runs));
    }
  }

  @Command(
      name = "runtime",
      mixinStandardHelpOptions = true,
      description = {
        "GFLOP/s of the Java decoder on a candidate (prefill and decode, the work it really does)",
        "next to the runtime's own 1024² matmul and OpenBLAS sgemm (via python3 + numpy, if present),",
        "on the same threads, in the same run."
      })
  static final class RuntimeSpeed implements Callable<Integer> {
    @Option(names = "--candidate", paramLabel = "FILE.json", description = "Default: the shipped backbone.")
    java.nio.file.Path candidate;

    @Option(names = "--threads", defaultValue = "1", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--prefill", defaultValue = "256", description = "Prompt tokens (default: ${DEFAULT-VALUE}).")
    int prefill;

    @Option(names = "--decode-context", defaultValue = "512", description = "KV cache for decode (default: ${DEFAULT-VALUE}).")
    int decodeContext;

    @Option(names = "--repeat", defaultValue = "5", description = "Repetitions (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      dev.hilnas.core.Candidate c = candidate == null
          ? dev.hilnas.llm.quality.Backbone.shipped().architecture()
          : CandidateJson.fromTree(Json.MAPPER.readTree(java.nio.file.Files.readString(candidate)));
      var r = dev.hilnas.app.bench.RuntimeBenchmark.run(c, prefill, decodeContext, threads, repeat);
      var out = spec.commandLine().getOut();
      out.printf("candidate %s (%,d parameters), %d thread(s)%n", c.archId(), c.parameterCount(), threads);
      out.printf("OpenBLAS sgemm 1024²         : %s%n", r.openBlasGflops() == null ? "n/a (needs python3 + numpy)" : String.format("%7.1f GFLOP/s", r.openBlasGflops()));
      out.printf("hilnas matmul 1024²          : %7.1f GFLOP/s  %s%n", Statistics.median(r.peakGflops()), tenths(r.peakGflops()));
      out.printf("decoder PREFILL@%-6d       : %7.1f GFLOP/s  %s%n", prefill, Statistics.median(r.prefillGflops()), tenths(r.prefillGflops()));
      out.printf("decoder DECODE@%-6d        : %7.1f GFLOP/s  %s%n", decodeContext, Statistics.median(r.decodeGflops()), tenths(r.decodeGflops()));
      return 0;
    }
  }

  @Command(
      name = "fleet",
      mixinStandardHelpOptions = true,
      description = {
        "Simulated devices reporting measurement batches for --duration: over HTTP through the",
        "ingest gateway, then as Kafka clients, then a raw Kafka producer baseline, on one embedded",
        "broker in the same run: accepted records/s, p50/p99 batch latency, refusals."
      })
  static final class Fleet implements Callable<Integer> {
    @Option(names = "--devices", defaultValue = "1000", description = "Devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--targets", defaultValue = "20", description = "Hardware targets they spread over (default: ${DEFAULT-VALUE}).")
    int targets;

    @Option(names = "--duration", defaultValue = "60s", description = "Per path (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--batch", defaultValue = "10", description = "Measurements per post (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--concurrency", defaultValue = "32", description = "Devices sending at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (devices < 1 || targets < 1 || batch < 1 || concurrency < 1) {
        throw new IllegalArgumentException("--devices, --targets, --batch and --concurrency must be >= 1");
      }
      spec.commandLine().getErr().printf("bench fleet: %,d devices over %d targets, batches of %d, %d at once, %s per path%n",
          devices, targets, batch, concurrency, duration);
      var paths = dev.hilnas.app.bench.FleetBenchmark.run(devices, targets, duration, batch, concurrency);
      var out = spec.commandLine().getOut();
      double raw = paths.get(paths.size() - 1).perSecond();
      for (var p : paths) {
        out.printf("%-52s: %,9.0f records/s (%.3f of raw)  p50 %6.1f ms  p99 %6.1f ms  refused %d%n",
            p.name(), p.perSecond(), p.perSecond() / raw, p.p50Ms(), p.p99Ms(), p.refused());
      }
      return 0;
    }
  }

  @Command(
      name = "search",
      mixinStandardHelpOptions = true,
      description = {
        "Hypervolume against real measurements for the hilnas search, random search and NSGA-II",
        "(MOEA Framework, steady-state, no surrogate) over prunings of the shipped backbone,",
        "averaged over seeds. Each drives the production search loop, 4 requests in flight.",
        "A measurement asks a latency oracle (a model fitted once on --oracle-data, real",
        "measurements of this machine, then fixed) and the evaluator's perplexity (--quality-tokens",
        "held-out bytes). The reference front is the best front any search found in the run; the",
        "reference box reaches 10% beyond the backbone's latency and up to the unigram perplexity."
      })
  static final class Search implements Callable<Integer> {
    @Option(names = "--budget", defaultValue = "100", description = "Measurements per search and seed (default: ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--target-fraction", defaultValue = "0.99", description = "Of the reference hypervolume (default: ${DEFAULT-VALUE}).")
    double targetFraction;

    @Option(names = "--quality-tokens", defaultValue = "512", description = "Held-out bytes per perplexity (default: ${DEFAULT-VALUE}).")
    int qualityTokens;

    @Option(names = "--oracle-data", defaultValue = "data/x86-1thread-numpy.jsonl", description = "Measurements the latency oracle is fitted on (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path oracleData;

    @Option(names = "--objective", defaultValue = "PREFILL@256", description = "The latency objective (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--json", description = "End the output with one JSON object: target_fraction, measurements_to_target.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var backbone = dev.hilnas.llm.quality.Backbone.shipped();
      var evaluator = new dev.hilnas.llm.quality.PerplexityEvaluator(backbone, dev.hilnas.llm.quality.Backbone.shippedHeldOut(),
          qualityTokens, Runtime.getRuntime().availableProcessors());
      var measurements = MeasurementFiles.read(oracleData, spec.commandLine().getErr());
      var oracle = new dev.hilnas.app.bench.SearchBenchmark.Oracle(
          dev.hilnas.app.bench.SearchBenchmark.latencyOracle(measurements, dev.hilnas.core.Objective.parse(objective)),
          c -> evaluator.evaluate(c).value());
      var space = dev.hilnas.core.search.SearchSpace.of(backbone.architecture(), dev.hilnas.core.search.SearchSpace.Constraints.NONE);
      var err = spec.commandLine().getErr();
      err.printf("bench search: %d measurements × %d seeds × 3 searches; oracle fitted on %d measurements of %s%n",
          budget, seeds, measurements.size(), oracleData);
      int[] done = {0};
      var result = dev.hilnas.app.bench.SearchBenchmark.run(space, oracle, evaluator.unigramPerplexity(), budget, seeds,
          () -> err.printf("  %d/%d runs done%n", ++done[0], 3 * seeds));
      var out = spec.commandLine().getOut();
      double target = targetFraction * result.referenceHypervolume();
      out.printf("reference front hypervolume %.4g (box %.3g ms × %.3g perplexity); target %.0f%%%n",
          result.referenceHypervolume(), result.reference().latencyMs(), result.reference().quality(), 100 * targetFraction);
      Map<String, Object> toTarget = new LinkedHashMap<>();
      Map<String, Object> reaching = new LinkedHashMap<>();
      Map<String, List<Integer>> countsByMethod = new LinkedHashMap<>();
      for (var curve : result.curves()) {
        List<Integer> counts = curve.perSeed().stream()
            .map(c -> dev.hilnas.app.bench.SearchBenchmark.measurementsTo(c, target)).toList();
        countsByMethod.put(curve.method(), counts);
        List<Integer> reached = counts.stream().filter(n -> n > 0).toList();
        Double mean = reached.isEmpty() ? null : reached.stream().mapToInt(Integer::intValue).average().orElseThrow();
        toTarget.put(curve.method(), mean);
        reaching.put(curve.method(), reached.size());
        StringBuilder at = new StringBuilder();
        for (int k : new int[] {10, 25, 50, budget}) {
          if (k <= budget) {
            final int n = k;
            double hv = curve.perSeed().stream().mapToDouble(c -> c[Math.min(n, c.length) - 1]).average().orElse(0);
            at.append(String.format("  @%d %.1f%%", n, 100 * hv / result.referenceHypervolume()));
          }
        }
        out.printf("%-7s measurements to %.0f%%: %s (%d of %d seeds)  hypervolume%s%n", curve.method(), 100 * targetFraction,
            mean == null ? "not reached" : String.format("%.1f", mean), reached.size(), seeds, at);
      }
      out.println(fewerMeasurements(countsByMethod.get("hilnas"), countsByMethod.get("nsga2"), budget));
      if (json) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("target_fraction", targetFraction);
        j.put("measurements_to_target", toTarget);
        j.put("seeds_reaching", reaching);
        j.put("budget", budget);
        j.put("seeds", seeds);
        out.println(Json.MAPPER.writeValueAsString(j));
      }
      return 0;
    }

    /**
     * How many times fewer measurements hilnas needs than NSGA-II to reach the target (per seed,
     * -1 when never), a seed that never reaches it counted as the whole budget — so a lower bound
     * ("at least") when one did not.
     */
    private static String fewerMeasurements(List<Integer> hilnas, List<Integer> nsga2, int budget) {
      if (hilnas.contains(-1)) {
        return "hilnas did not reach the target in every seed: no ratio to NSGA-II";
      }
      double ratio = nsga2.stream().mapToInt(n -> n < 0 ? budget : n).average().orElseThrow()
          / hilnas.stream().mapToInt(Integer::intValue).average().orElseThrow();
      return nsga2.contains(-1)
          ? String.format("hilnas needs at least %.1fx fewer measurements than NSGA-II (which did not reach the target within %d in every seed)", ratio, budget)
          : String.format("hilnas needs %.1fx fewer measurements than NSGA-II", ratio);
    }
  }
}
