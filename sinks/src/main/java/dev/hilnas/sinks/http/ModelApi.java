package dev.hilnas.sinks.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.Accuracy;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.FitQuality;
import dev.hilnas.core.latency.LatencyPrediction;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.http.HttpJson;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.sinks.state.ModelCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/targets}, {@code GET /api/v1/models/{target}} and {@code POST /api/v1/predict}
 * (docs/http-api.md), answered from the materialised snapshots. Bad bodies, and requests beyond the
 * limits, get 400 with a message, unknown targets 404, a store still loading 503.
 */
public final class ModelApi {

  static final int MAX_BODY_BYTES = 1 << 20;
  private static final String MODELS_PREFIX = "/api/v1/models/";

  private final ModelCatalog catalog;
  private final Limits limits;
  private final EncodedJson encoded = new EncodedJson();

  public ModelApi(ModelCatalog catalog, Limits limits) {
    this.catalog = catalog;
    this.limits = limits;
  }

  public void register(HttpServer server) {
    server.createContext("/api/v1/targets", ex -> HttpJson.handle(ex, "GET", this::targets));
    server.createContext(MODELS_PREFIX, ex -> HttpJson.handle(ex, "GET", this::model));
    server.createContext("/api/v1/predict", ex -> HttpJson.handle(ex, "POST", this::predict));
  }

  private void targets(HttpExchange ex) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LatencyModelSnapshot s : catalog.all()) {
      out.add(summary(s));
    }
    HttpJson.send(ex, 200, out);
  }

  private void model(HttpExchange ex) throws IOException {
    String targetId = HttpJson.pathAfter(ex, MODELS_PREFIX);
    LatencyModelSnapshot s = snapshot(targetId);
    byte[] json =
        encoded.get(s.getTargetId().toString(), s.getVersion(), s.getUpdatedAt(), () -> json(s));
    HttpJson.send(ex, 200, "application/json", json);
  }

  /** A target's model as {@code GET /api/v1/models/{target}} answers it. */
  private Map<String, Object> json(LatencyModelSnapshot s) {
    Map<String, Object> out = summary(s);
    Map<String, Object> phases = new LinkedHashMap<>();
    catalog
        .model(s)
        .ifPresent(
            model -> {
              for (Phase phase : Phase.values()) {
                if (model.covers(phase)) {
                  phases.put(phase.name(), phase(model, phase));
                }
              }
            });
    out.put("phases", phases);
    return out;
  }

  private static Map<String, Object> phase(AdditiveLatencyModel model, Phase phase) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> prices = new LinkedHashMap<>();
    List<String> names = model.priceNames();
    List<Double> values = model.prices();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).startsWith(phase + ".")) {
        prices.put(names.get(i).substring(phase.name().length() + 1), values.get(i));
      }
    }
    FitQuality q = model.quality(phase).orElseThrow();
    out.put("observations", q.observations());
    out.put("architectures", q.architectures());
    out.put("residualTrees", q.residualTrees());
    out.put("cv", accuracy(q.cv()));
    out.put("prices", prices);
    return out;
  }

  private void predict(HttpExchange ex) throws IOException {
    JsonNode body = readBody(ex);
    if (body.isArray()) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (int i = 0; i < body.size(); i++) {
        try {
          out.add(predictOne(body.get(i)));
        } catch (HttpJson.ClientError e) {
          throw new HttpJson.ClientError(e.status(), "[" + i + "]: " + e.getMessage());
        }
      }
      HttpJson.send(ex, 200, out);
    } else {
      HttpJson.send(ex, 200, predictOne(body));
    }
  }

  private Map<String, Object> predictOne(JsonNode request) {
    if (!request.isObject()) {
      throw new HttpJson.ClientError(
          400, "expected an object {target, phase, contextLength, candidate}");
    }
    HardwareTarget target;
    Phase phase;
    int context;
    Candidate candidate;
    try {
      target = target(request);
      phase = Phase.parse(text(request, "phase"));
      JsonNode contextNode = request.get("contextLength");
      if (contextNode == null || !contextNode.canConvertToInt()) {
        throw new IllegalArgumentException(
            "contextLength must be an integer in 1.." + limits.maxContextLength());
      }
      context = contextNode.asInt();
      if (context < 1 || context > limits.maxContextLength()) {
        throw new IllegalArgumentException(
            "contextLength must be in 1.." + limits.maxContextLength() + ", got " + context);
      }
      candidate = CandidateJson.fromTree(request.get("candidate"), limits);
    } catch (IllegalArgumentException e) {
      throw new HttpJson.ClientError(400, e.getMessage());
    }
    LatencyModelSnapshot snapshot = snapshot(target.id());
    AdditiveLatencyModel model =
        catalog
            .model(snapshot)
            .filter(m -> m.covers(phase))
            .orElseThrow(
                () ->
                    new HttpJson.ClientError(
                        404, "target '" + target.id() + "' has no " + phase + " model yet"));
    LatencyPrediction p = model.predict(candidate, phase, context);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", target.id());
    out.put("phase", phase.name());
    out.put("contextLength", context);
    out.put("archId", candidate.archId());
    out.put("latencyMs", p.latencyMs());
    out.put("low", p.lowMs());
    out.put("high", p.highMs());
    out.put("modelVersion", snapshot.getVersion());
    return out;
  }

  /** {@code "target": "hw/runtime[/precision]"}, or an object, or top-level hardware + runtime. */
  private static HardwareTarget target(JsonNode request) {
    JsonNode target = request.get("target");
    if (target != null && target.isTextual()) {
      return HardwareTarget.parse(target.asText());
    }
    JsonNode from = target != null && target.isObject() ? target : request;
    if (from.get("hardware") == null && from.get("runtime") == null) {
      throw new IllegalArgumentException(
          "target is required, e.g. \"target\": \"pixel8-cpu/executorch-xnnpack\"");
    }
    return new HardwareTarget(
        text(from, "hardware"), text(from, "runtime"), text(from, "precision"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private LatencyModelSnapshot snapshot(String targetId) {
    return catalog
        .snapshot(HttpJson.targetId(targetId))
        .orElseThrow(
            () -> new HttpJson.ClientError(404, "no latency model for target '" + targetId + "'"));
  }

  private static JsonNode readBody(HttpExchange ex) throws IOException {
    byte[] bytes =
        HttpJson.body(ex, MAX_BODY_BYTES, "body over " + MAX_BODY_BYTES + " bytes; split the list");
    if (bytes.length == 0) {
      throw new HttpJson.ClientError(
          400, "empty body; expected JSON {target, phase, contextLength, candidate} or a list");
    }
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new HttpJson.ClientError(400, "not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static Map<String, Object> summary(LatencyModelSnapshot s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", s.getTargetId().toString());
    out.put("hardware", s.getTarget().getHardware().toString());
    out.put("runtime", s.getTarget().getRuntime().toString());
    out.put(
        "precision",
        s.getTarget().getPrecision() == null ? null : s.getTarget().getPrecision().toString());
    out.put("version", s.getVersion());
    out.put("measurements", s.getMeasurements());
    out.put("modelKind", s.getModelKind() == null ? null : s.getModelKind().toString());
    out.put("cvWithin10", s.getCvWithin10());
    out.put("cvMape", s.getCvMape());
    out.put("updatedAt", s.getUpdatedAt().toString());
    return out;
  }

  private static Map<String, Object> accuracy(Accuracy a) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("n", a.n());
    out.put("within10", finiteOrNull(a.within10()));
    out.put("mape", finiteOrNull(a.mape()));
    out.put("spearman", finiteOrNull(a.spearman()));
    return out;
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
