package dev.hilnas.app.cli;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.LatencyPrediction;
import dev.hilnas.core.latency.LatencyQuery;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.schemas.json.MeasurementJson;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Predict latencies with models fitted on a file (offline).",
      "",
      "Fit latency models on measurements, then predict every line of the input: a measurement line (latencyMs optional) or a candidate line with phase and contextLength. Prints one JSON line per input line: candidateId, archId, hardware, runtime, phase, contextLength, latencyMs and the 80%% interval low..high (plus measuredMs when the line had one). hardware/runtime may be left out when the training data holds a single target."
    })
final class PredictCommand implements Callable<Integer> {

  @Option(
      names = "--train",
      required = true,
      paramLabel = "A.jsonl",
      description = "Measurements to fit on (JSONL or CSV).")
  Path train;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "C.jsonl",
      description = "Lines to predict, JSONL; '-' reads stdin.")
  String input;

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
    Map<HardwareTarget, AdditiveLatencyModel> models =
        LatencyModelTrainer.fitPerTarget(
            MeasurementFiles.read(train, err, accepted), normaliseDrift);
    if (models.isEmpty()) {
      err.println("error: " + train + " holds no valid measurement to fit on");
      return 1;
    }
    int invalid = 0;
    try (BufferedReader reader =
        input.equals("-")
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
            : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
      String text;
      long line = 0;
      while ((text = reader.readLine()) != null) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        try {
          out.println(
              Json.MAPPER.writeValueAsString(
                  predict(MeasurementJson.parseQuery(text, accepted), models)));
        } catch (IllegalArgumentException e) {
          invalid++;
          err.println(input + ":" + line + ": " + e.getMessage());
        }
      }
    }
    out.flush();
    err.flush();
    return invalid == 0 ? 0 : 2;
  }

  private static Map<String, Object> predict(
      LatencyQuery query, Map<HardwareTarget, AdditiveLatencyModel> models) {
    HardwareTarget target = query.target();
    if (target == null) {
      if (models.size() != 1) {
        throw new IllegalArgumentException(
            "hardware and runtime are required: the training data holds "
                + models.size()
                + " targets");
      }
      target = models.keySet().iterator().next();
    }
    AdditiveLatencyModel model = models.get(target);
    if (model == null) {
      throw new IllegalArgumentException("no training data for target " + target.id());
    }
    LatencyPrediction p = model.predict(query.candidate(), query.phase(), query.contextLength());
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("candidateId", query.candidateId());
    line.put("archId", query.candidate().archId());
    line.put("hardware", target.hardware());
    line.put("runtime", target.runtime());
    line.put("phase", query.phase().name());
    line.put("contextLength", query.contextLength());
    line.put("latencyMs", round(p.latencyMs()));
    line.put("low", round(p.lowMs()));
    line.put("high", round(p.highMs()));
    if (query.measuredMs() != null) {
      line.put("measuredMs", query.measuredMs());
    }
    return line;
  }

  /** Six significant digits: more would claim precision the model does not have. */
  private static double round(double ms) {
    return Double.parseDouble(String.format("%.6g", ms));
  }
}
