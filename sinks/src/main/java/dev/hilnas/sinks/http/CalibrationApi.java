package dev.hilnas.sinks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyPrediction;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierPoint;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.LatencySource;
import dev.hilnas.schemas.http.HttpJson;
import dev.hilnas.sinks.state.FrontierCatalog;
import dev.hilnas.sinks.state.ModelCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code GET /api/v1/calibration/{target}}: the target's current latency model against the measured
 * points of its frontiers — predicted and measured latency, the prediction interval ({@link
 * LatencyPrediction#LEVEL}), and the share of measurements inside it (docs/http-api.md). In-sample:
 * the model was fitted on these measurements among others, so this coverage is an upper bound of
 * what held-out architectures get; the cross-validated figures are in {@code GET
 * /api/v1/models/{target}}.
 */
public final class CalibrationApi {

  private static final String PREFIX = "/api/v1/calibration/";

  /** Pairs listed per answer; coverage counts them all. */
  static final int MAX_PAIRS = 1000;

  private final ModelCatalog models;
  private final FrontierCatalog frontiers;

  public CalibrationApi(ModelCatalog models, FrontierCatalog frontiers) {
    this.models = models;
    this.frontiers = frontiers;
  }

  public void register(HttpServer server) {
    server.createContext(PREFIX, ex -> HttpJson.handle(ex, "GET", this::get));
  }

  private void get(HttpExchange ex) throws IOException {
    String target = HttpJson.pathAfter(ex, PREFIX);
    LatencyModelSnapshot snapshot =
        models
            .snapshot(target)
            .orElseThrow(
                () ->
                    new HttpJson.ClientError(404, "no latency model for target '" + target + "'"));
    AdditiveLatencyModel model =
        models
            .model(snapshot)
            .orElseThrow(
                () -> new HttpJson.ClientError(404, "target '" + target + "' has no model yet"));
    List<Map<String, Object>> pairs = new ArrayList<>();
    Map<String, int[]> byPhase = new LinkedHashMap<>(); // phase -> {pairs, inside}
    int n = 0;
    int inside = 0;
    for (FrontierUpdate f : frontiers.frontiers(target)) {
      Objective objective = Objective.parse(f.getObjective());
      if (!model.covers(objective.phase())) {
        continue;
      }
      for (FrontierPoint p :
          (Iterable<FrontierPoint>)
              Stream.concat(f.getPoints().stream(), f.getOthers().stream())::iterator) {
        if (p.getLatencySource() != LatencySource.MEASURED) {
          continue;
        }
        Candidate c = Convert.fromAvro(p.getCandidate());
        LatencyPrediction predicted =
            model.predict(c, objective.phase(), objective.contextLength());
        boolean in =
            p.getLatencyMs() >= predicted.lowMs() && p.getLatencyMs() <= predicted.highMs();
        n++;
        inside += in ? 1 : 0;
        int[] phase = byPhase.computeIfAbsent(objective.phase().name(), k -> new int[2]);
        phase[0]++;
        phase[1] += in ? 1 : 0;
        if (pairs.size() < MAX_PAIRS) {
          Map<String, Object> pair = new LinkedHashMap<>();
          pair.put("archId", c.archId());
          pair.put("objective", f.getObjective());
          pair.put("measuredMs", p.getLatencyMs());
          pair.put("predictedMs", predicted.latencyMs());
          pair.put("low", predicted.lowMs());
          pair.put("high", predicted.highMs());
          pair.put("inside", in);
          pairs.add(pair);
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", target);
    out.put("modelVersion", snapshot.getVersion());
    out.put("scope", "in-sample");
    out.put("interval", LatencyPrediction.LEVEL);
    out.put("n", n);
    out.put("inside", inside);
    out.put("coverage", n == 0 ? null : (double) inside / n);
    Map<String, Object> phases = new LinkedHashMap<>();
    byPhase.forEach(
        (phase, counts) -> {
          Map<String, Object> figures = new LinkedHashMap<>();
          figures.put("n", counts[0]);
          figures.put("inside", counts[1]);
          figures.put("coverage", (double) counts[1] / counts[0]);
          phases.put(phase, figures);
        });
    out.put("phases", phases);
    out.put("pairs", pairs);
    HttpJson.send(ex, 200, out);
  }
}
