package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.ModelBenchmark;
import dev.hilnas.app.cli.MeasurementFiles;
import dev.hilnas.core.Limits;
import dev.hilnas.schemas.json.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Latency model fit, refit and prediction speed, next to a floor.",
      "",
      "Latency model speed on one thread: a full cross-validated fit and the fast refit (what the Flink job runs per target at most once per serve --refit-interval, 250 ms by default) on a full target, and candidate-phase predictions per second next to the floor measured in the same run: extracting the same candidates' features."
    })
final class BenchModelCommand implements Callable<Integer> {
  @Option(
      names = "--candidates",
      defaultValue = "1024",
      description =
          "Architectures to fit on, 2 contexts x 2 phases each (default: ${DEFAULT-VALUE}).")
  int candidates;

  @Option(
      names = "--predictions",
      defaultValue = "5000000",
      description = "Predictions per repetition (default: ${DEFAULT-VALUE}).")
  int predictions;

  @Option(
      names = "--repeat",
      defaultValue = "5",
      description = "Repetitions; medians are reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--oracle-data",
      defaultValue = "data/x86-1thread-numpy.jsonl",
      description =
          "Real measurements; the model fitted on them gives the workload's latencies (default: ${DEFAULT-VALUE}).")
  Path oracleData;

  @Option(names = "--json", description = "End the output with one JSON object of the figures.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (candidates < 1 || predictions < 1 || repeat < 1) {
      throw new IllegalArgumentException("--candidates, --predictions and --repeat must be >= 1");
    }
    var err = spec.commandLine().getErr();
    err.printf(
        "bench model: fit on %,d candidates, %,d predictions, %d repetitions (+ warm-up)%n",
        candidates, predictions, repeat);
    ModelBenchmark.Result r =
        ModelBenchmark.run(
            MeasurementFiles.read(oracleData, err, Limits.DEFAULTS),
            candidates,
            predictions,
            repeat,
            i -> err.printf("  repetition %d/%d done%n", i, repeat));
    var out = spec.commandLine().getOut();
    out.printf(
        "full fit, %,d points per phase   : %,10.1f ms  %s  (%d residual trees chosen)%n",
        r.pointsPerPhase(), r.fitMedianMs(), Spread.ms(r.fitMs()), r.residualTrees());
    out.printf(
        "fast refit, same points         : %,10.1f ms  %s%n",
        r.refitMedianMs(), Spread.ms(r.refitMs()));
    out.printf(
        "features only (floor)           : %,10.0f /s  %s%n",
        r.featuresMedian(), Spread.perSecond(r.featuresPerSecond()));
    out.printf(
        "predict (features + model)      : %,10.0f /s  %s%n",
        r.predictMedian(), Spread.perSecond(r.predictionsPerSecond()));
    out.printf(
        "ratio predict / floor           : %10.2f%n", r.predictMedian() / r.featuresMedian());
    out.printf("(one thread; medians, [min..max] over %d repetitions)%n", repeat);
    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("pointsPerPhase", r.pointsPerPhase());
      j.put("fitMs", r.fitMedianMs());
      j.put("refitMs", r.refitMedianMs());
      j.put("residualTrees", r.residualTrees());
      j.put("predictionsPerSecond", r.predictMedian());
      j.put("featuresPerSecond", r.featuresMedian());
      j.put("fitRunsMs", r.fitMs());
      j.put("predictRuns", r.predictionsPerSecond());
      j.put("featuresRuns", r.featuresPerSecond());
      out.println(Json.MAPPER.writeValueAsString(j));
    }
    out.flush();
    return 0;
  }
}
