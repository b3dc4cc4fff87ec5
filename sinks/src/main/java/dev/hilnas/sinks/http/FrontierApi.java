package dev.hilnas.sinks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierPoint;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.http.HttpJson;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.sinks.state.FrontierCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/frontiers/{target}?objective=PREFILL@2048} (without {@code objective}: every
 * objective of the target) and {@code GET
 * /api/v1/frontiers/{target}/best?objective=..&maxLatencyMs=..} (docs/http-api.md), from the
 * materialised frontiers. A frontier's JSON is encoded once per version: with up to 2,000 points
 * off the frontier, building and writing it was most of a request's time.
 */
public final class FrontierApi {

  private static final String PREFIX = "/api/v1/frontiers/";
  private static final String BEST = "/best";

  private final FrontierCatalog catalog;
  private final EncodedJson encoded = new EncodedJson();

  public FrontierApi(FrontierCatalog catalog) {
    this.catalog = catalog;
  }

  public void register(HttpServer server) {
    server.createContext(PREFIX, ex -> HttpJson.handle(ex, "GET", this::get));
  }

  private void get(HttpExchange ex) throws IOException {
    String path = HttpJson.pathAfter(ex, PREFIX);
    boolean best = path.endsWith(BEST);
    String target =
        HttpJson.targetId(best ? path.substring(0, path.length() - BEST.length()) : path);
    Map<String, String> query = HttpJson.query(ex);
    if (best) {
      best(ex, target, query);
      return;
    }
    String objective = query.get("objective");
    if (objective == null) {
      List<FrontierUpdate> all = catalog.frontiers(path);
      if (all.isEmpty()) {
        throw new HttpJson.ClientError(404, "no frontier for target '" + path + "' yet");
      }
      ByteArrayOutputStream list = new ByteArrayOutputStream();
      list.write('[');
      for (int i = 0; i < all.size(); i++) {
        if (i > 0) {
          list.write(',');
        }
        list.write(encoded(all.get(i)));
      }
      list.write(']');
      HttpJson.send(ex, 200, "application/json", list.toByteArray());
      return;
    }
    HttpJson.send(ex, 200, "application/json", encoded(frontier(path, objective)));
  }

  /** A frontier's JSON, encoded once per version of it. */
  private byte[] encoded(FrontierUpdate u) {
    return encoded.get(
        u.getTargetId() + "|" + u.getObjective(), u.getVersion(), u.getUpdatedAt(), () -> json(u));
  }

  private void best(HttpExchange ex, String target, Map<String, String> query) throws IOException {
    String objective = query.get("objective");
    if (objective == null) {
      throw new HttpJson.ClientError(
          400, "objective is required, e.g. ?objective=PREFILL@2048&maxLatencyMs=50");
    }
    double budget;
    try {
      budget = Double.parseDouble(query.getOrDefault("maxLatencyMs", ""));
    } catch (NumberFormatException e) {
      throw new HttpJson.ClientError(
          400,
          "maxLatencyMs must be a number of milliseconds, got '"
              + query.getOrDefault("maxLatencyMs", "")
              + "'");
    }
    FrontierUpdate frontier = frontier(target, objective);
    Optional<FrontierPoint> best =
        frontier.getPoints().stream().filter(p -> p.getLatencyMs() <= budget).reduce((a, b) -> b);
    if (best.isEmpty()) {
      throw new HttpJson.ClientError(
          404, "no frontier point of " + target + " " + objective + " is within " + budget + " ms");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", target);
    out.put("objective", frontier.getObjective());
    out.put("maxLatencyMs", budget);
    out.put("version", frontier.getVersion());
    out.put("point", json(best.get()));
    HttpJson.send(ex, 200, out);
  }

  private FrontierUpdate frontier(String target, String objective) {
    Objective parsed;
    try {
      parsed = Objective.parse(objective);
    } catch (IllegalArgumentException e) {
      throw new HttpJson.ClientError(400, e.getMessage());
    }
    return catalog
        .frontier(target, parsed)
        .orElseThrow(
            () ->
                new HttpJson.ClientError(
                    404, "no " + parsed + " frontier for target '" + target + "' yet"));
  }

  static Map<String, Object> json(FrontierUpdate u) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", u.getTargetId());
    out.put("objective", u.getObjective());
    out.put("version", u.getVersion());
    out.put("hypervolume", u.getHypervolume());
    out.put(
        "reference",
        Map.of("latencyMs", u.getReferenceLatencyMs(), "quality", u.getReferenceQuality()));
    out.put("updatedAt", u.getUpdatedAt().toString());
    out.put("points", u.getPoints().stream().map(FrontierApi::json).toList());
    out.put("others", u.getOthers().stream().map(FrontierApi::json).toList());
    return out;
  }

  private static Map<String, Object> json(FrontierPoint p) {
    Candidate c = Convert.fromAvro(p.getCandidate());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("candidateId", p.getCandidateId());
    out.put("archId", c.archId());
    out.put("latencyMs", p.getLatencyMs());
    out.put("low", p.getLatencyLowMs());
    out.put("high", p.getLatencyHighMs());
    out.put("latencySource", p.getLatencySource().name().toLowerCase());
    out.put("repeats", p.getRepeats());
    out.put("quality", p.getQuality());
    out.put("candidate", architecture(c));
    return out;
  }

  /** The candidate's JSON form (compact when the layers are alike) with its parameter count. */
  static Map<String, Object> architecture(Candidate c) {
    Map<String, Object> out = CandidateJson.toMap(c);
    out.put("params", c.parameterCount());
    return out;
  }
}
