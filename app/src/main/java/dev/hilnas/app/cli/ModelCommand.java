package dev.hilnas.app.cli;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.latency.Accuracy;
import dev.hilnas.core.latency.Evaluation;
import dev.hilnas.core.latency.NoiseFloor;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Offline work with latency models.",
    subcommands = {ModelCommand.Evaluate.class})
final class ModelCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(
      name = "evaluate",
      mixinStandardHelpOptions = true,
      description = {
        "Fit latency models on one file and score them on another (offline).",
        "",
        "Fit one latency model per target (hardware + runtime) on the training measurements and score it on the test measurements, per target and phase: n, share within ±10%%, MAPE, Spearman rank correlation and the share within the model's 80%% interval. Invalid lines are reported on stderr and skipped.",
        "",
        "Points weigh by the precision of their samples; when the training points come from runs of different speeds (environment.runId, else agentId), the model learns each run's speed and predicts a typical run, and says how far the runs' speeds spread."
      })
  static final class Evaluate implements Callable<Integer> {

    @Option(
        names = "--train",
        required = true,
        paramLabel = "A.jsonl",
        description = "Measurements to fit on (JSONL or CSV).")
    Path train;

    @Option(
        names = "--test",
        required = true,
        paramLabel = "B.jsonl",
        description = "Measurements to score on (JSONL or CSV).")
    Path test;

    @Option(
        names = "--json",
        description = "End the output with one JSON object (fractions, not %%).")
    boolean json;

    @Option(
        names = "--normalise-drift",
        description =
            "Divide out drift reported as environment.calibrationMs (a fixed calibration candidate timed alongside).")
    boolean normaliseDrift;

    @CommandLine.Mixin LimitsOptions limits;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter out = spec.commandLine().getOut();
      Limits accepted = limits.limits();
      List<Measurement> training = MeasurementFiles.read(train, err, accepted);
      List<Measurement> testing = MeasurementFiles.read(test, err, accepted);
      // a table of NaNs says nothing: say which file gave nothing to work with
      if (training.isEmpty()) {
        throw new IllegalArgumentException(train + " holds no valid measurement to fit on");
      }
      if (testing.isEmpty()) {
        throw new IllegalArgumentException(test + " holds no valid measurement to score");
      }
      Evaluation evaluation = Evaluation.of(training, testing, normaliseDrift);
      evaluation
          .skipped()
          .forEach(
              (key, n) ->
                  err.println("no model for " + key + ": " + n + " test points not scored"));
      err.flush();
      out.printf(
          "%-44s %-8s %6s %9s %8s %9s %11s%n",
          "target", "phase", "n", "within10", "MAPE", "spearman", "in interval");
      for (Evaluation.Row row : evaluation.rows()) {
        print(out, row.target().id(), row.phase().name(), row.accuracy(), row.coverage());
      }
      print(out, "overall", "", evaluation.overall(), evaluation.coverage());
      for (Evaluation.Row row : evaluation.rows()) {
        if (row.runSpread() > 0) {
          out.printf(
              "run speeds differ: %s %s, ±%.1f%% (one standard deviation); predictions are for a"
                  + " typical run%n",
              row.target().id(), row.phase(), 100 * Math.expm1(row.runSpread()));
        }
      }
      NoiseFloor floor = evaluation.noiseFloor();
      if (floor.pairs() > 0) {
        out.printf(
            "noise floor: %.1f%% of %d pairs of repeated test measurements agree within ±10%%%n",
            100 * floor.within10(), floor.pairs());
      } else {
        out.println("noise floor: unknown (the test set repeats no measurement)");
      }
      if (json) {
        List<Map<String, Object>> targets = new ArrayList<>();
        for (Evaluation.Row row : evaluation.rows()) {
          Map<String, Object> t = new LinkedHashMap<>();
          t.put("hardware", row.target().hardware());
          t.put("runtime", row.target().runtime());
          if (row.target().precision() != null) {
            t.put("precision", row.target().precision());
          }
          t.put("phase", row.phase().name());
          t.putAll(figures(row.accuracy(), row.coverage()));
          t.put("runSpread", row.runSpread());
          targets.add(t);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("targets", targets);
        result.put("overall", figures(evaluation.overall(), evaluation.coverage()));
        Map<String, Object> noise = new LinkedHashMap<>();
        noise.put("pairs", floor.pairs());
        noise.put("within10", finiteOrNull(floor.within10()));
        result.put("noiseFloor", noise);
        out.println(Json.MAPPER.writeValueAsString(result));
      }
      out.flush();
      return evaluation.overall().n() == 0 ? 1 : 0;
    }

    private static void print(
        PrintWriter out, String target, String phase, Accuracy a, double coverage) {
      out.printf(
          "%-44s %-8s %6d %8.1f%% %7.1f%% %9.4f %10.1f%%%n",
          target, phase, a.n(), 100 * a.within10(), 100 * a.mape(), a.spearman(), 100 * coverage);
    }

    private static Map<String, Object> figures(Accuracy a, double coverage) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("n", a.n());
      f.put("within10", finiteOrNull(a.within10()));
      f.put("mape", finiteOrNull(a.mape()));
      f.put("spearman", finiteOrNull(a.spearman()));
      f.put("coverage", finiteOrNull(coverage));
      return f;
    }

    private static Double finiteOrNull(double v) {
      return Double.isFinite(v) ? v : null;
    }
  }
}
