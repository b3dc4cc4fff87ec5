package dev.hilnas.sinks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.http.HttpJson;
import dev.hilnas.sinks.state.ModelCatalog;
import dev.hilnas.sinks.state.ProgressCatalog;
import dev.hilnas.sinks.state.SearchProgress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * {@code GET /api/v1/progress}: the search's progress on every target — requests, architectures
 * requested, measured, failed and pending ({@link SearchProgress}), measurements the target's model
 * has accepted, and its agents' lag (docs/http-api.md).
 */
public final class ProgressApi {

  private final ProgressCatalog progress;
  private final ModelCatalog models;
  private final Function<String, OptionalLong> agentLag;

  /**
   * @param agentLag records of hil.candidates a target's agents have not yet done; empty when
   *     unknown
   */
  public ProgressApi(
      ProgressCatalog progress, ModelCatalog models, Function<String, OptionalLong> agentLag) {
    this.progress = progress;
    this.models = models;
    this.agentLag = agentLag;
  }

  public void register(HttpServer server) {
    server.createContext("/api/v1/progress", ex -> HttpJson.handle(ex, "GET", this::get));
  }

  private void get(HttpExchange ex) throws IOException {
    Map<String, LatencyModelSnapshot> snapshots = new HashMap<>();
    models.all().forEach(s -> snapshots.put(s.getTargetId(), s));
    List<Map<String, Object>> out = new ArrayList<>();
    for (SearchProgress p : progress.all(snapshots.keySet()).values()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("target", p.targetId());
      row.put("requests", p.requests());
      row.put("requested", p.requested());
      row.put("measured", p.measured());
      row.put("failed", p.failed());
      row.put("pending", p.pending());
      row.put("failedAttempts", p.failedAttempts());
      LatencyModelSnapshot s = snapshots.get(p.targetId());
      row.put("measurements", s == null ? null : s.getMeasurements());
      OptionalLong lag = agentLag.apply(p.targetId());
      row.put("agentLag", lag.isPresent() ? lag.getAsLong() : null);
      out.add(row);
    }
    HttpJson.send(ex, 200, out);
  }
}
