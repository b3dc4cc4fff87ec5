package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.SearchBenchmark;
import dev.hilnas.app.cli.MeasurementFiles;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.core.search.SearchSpace;
import dev.hilnas.llm.quality.Backbone;
import dev.hilnas.llm.quality.PerplexityEvaluator;
import dev.hilnas.schemas.json.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Search quality: the hilnas search, random and NSGA-II, by hypervolume.",
      "",
      "Hypervolume against real measurements for the hilnas search, random search and NSGA-II (MOEA Framework, steady-state, no surrogate) over prunings of the shipped backbone, averaged over seeds. Each drives the production search loop, 4 requests in flight. A measurement asks a latency oracle (a model fitted once on --oracle-data, real measurements of this machine, then fixed) and the evaluator's perplexity (--quality-tokens held-out bytes). The reference front is the best front any search found in the run; the reference box reaches 10%% beyond the backbone's latency and up to the unigram perplexity."
    })
final class BenchSearchCommand implements Callable<Integer> {
  @Option(
      names = "--budget",
      defaultValue = "100",
      description = "Measurements per search and seed (default: ${DEFAULT-VALUE}).")
  int budget;

  @Option(names = "--seeds", defaultValue = "3", description = "Seeds (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(
      names = "--target-fraction",
      defaultValue = "0.99",
      description = "Of the reference hypervolume (default: ${DEFAULT-VALUE}).")
  double targetFraction;

  @Option(
      names = "--quality-tokens",
      defaultValue = "512",
      description = "Held-out bytes per perplexity (default: ${DEFAULT-VALUE}).")
  int qualityTokens;

  @Option(
      names = "--oracle-data",
      defaultValue = "data/x86-1thread-numpy.jsonl",
      description = "Measurements the latency oracle is fitted on (default: ${DEFAULT-VALUE}).")
  Path oracleData;

  @Option(
      names = "--objective",
      defaultValue = "PREFILL@256",
      description = "The latency objective (default: ${DEFAULT-VALUE}).")
  String objective;

  @Option(
      names = "--json",
      description =
          "End the output with one JSON object: targetFraction, measurementsToTarget, seedsReaching.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var backbone = Backbone.shipped();
    var evaluator =
        new PerplexityEvaluator(
            backbone,
            Backbone.shippedHeldOut(),
            qualityTokens,
            Runtime.getRuntime().availableProcessors());
    var measurements =
        MeasurementFiles.read(oracleData, spec.commandLine().getErr(), Limits.DEFAULTS);
    var oracle =
        new SearchBenchmark.Oracle(
            SearchBenchmark.latencyOracle(measurements, Objective.parse(objective)),
            c -> evaluator.evaluate(c).value());
    var space =
        SearchSpace.of(backbone.architecture(), SearchSpace.Constraints.NONE, Limits.DEFAULTS);
    var err = spec.commandLine().getErr();
    err.printf(
        "bench search: %d measurements × %d seeds × 3 searches; oracle fitted on %d measurements of %s%n",
        budget, seeds, measurements.size(), oracleData);
    int[] done = {0};
    var result =
        SearchBenchmark.run(
            space,
            oracle,
            evaluator.unigramPerplexity(),
            budget,
            seeds,
            () -> err.printf("  %d/%d runs done%n", ++done[0], 3 * seeds));
    var out = spec.commandLine().getOut();
    double target = targetFraction * result.referenceHypervolume();
    out.printf(
        "reference front hypervolume %.4g (box %.3g ms × %.3g perplexity); target %.0f%%%n",
        result.referenceHypervolume(),
        result.reference().latencyMs(),
        result.reference().quality(),
        100 * targetFraction);
    Map<String, Object> toTarget = new LinkedHashMap<>();
    Map<String, Object> reaching = new LinkedHashMap<>();
    Map<String, List<Integer>> countsByMethod = new LinkedHashMap<>();
    for (var curve : result.curves()) {
      List<Integer> counts =
          curve.perSeed().stream().map(c -> SearchBenchmark.measurementsTo(c, target)).toList();
      countsByMethod.put(curve.method(), counts);
      List<Integer> reached = counts.stream().filter(n -> n > 0).toList();
      Double mean =
          reached.isEmpty()
              ? null
              : reached.stream().mapToInt(Integer::intValue).average().orElseThrow();
      toTarget.put(curve.method(), mean);
      reaching.put(curve.method(), reached.size());
      StringBuilder at = new StringBuilder();
      for (int k : new int[] {10, 25, 50, budget}) {
        if (k <= budget) {
          final int n = k;
          double hv =
              curve.perSeed().stream()
                  .mapToDouble(c -> c[Math.min(n, c.length) - 1])
                  .average()
                  .orElse(0);
          at.append(String.format("  @%d %.1f%%", n, 100 * hv / result.referenceHypervolume()));
        }
      }
      out.printf(
          "%-7s measurements to %.0f%%: %s (%d of %d seeds)  hypervolume%s%n",
          curve.method(),
          100 * targetFraction,
          mean == null ? "not reached" : String.format("%.1f", mean),
          reached.size(),
          seeds,
          at);
    }
    out.println(
        fewerMeasurements(countsByMethod.get("hilnas"), countsByMethod.get("nsga2"), budget));
    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("targetFraction", targetFraction);
      j.put("measurementsToTarget", toTarget);
      j.put("seedsReaching", reaching);
      j.put("budget", budget);
      j.put("seeds", seeds);
      out.println(Json.MAPPER.writeValueAsString(j));
    }
    return 0;
  }

  /**
   * How many times fewer measurements hilnas needs than NSGA-II to reach the target (per seed, -1
   * when never), a seed that never reaches it counted as the whole budget — so a lower bound ("at
   * least") when one did not.
   */
  private static String fewerMeasurements(List<Integer> hilnas, List<Integer> nsga2, int budget) {
    if (hilnas.contains(-1)) {
      return "hilnas did not reach the target in every seed: no ratio to NSGA-II";
    }
    double ratio =
        nsga2.stream().mapToInt(n -> n < 0 ? budget : n).average().orElseThrow()
            / hilnas.stream().mapToInt(Integer::intValue).average().orElseThrow();
    return nsga2.contains(-1)
        ? String.format(
            "hilnas needs at least %.1fx fewer measurements than NSGA-II (which did not reach the target within %d in every seed)",
            ratio, budget)
        : String.format("hilnas needs %.1fx fewer measurements than NSGA-II", ratio);
  }
}
