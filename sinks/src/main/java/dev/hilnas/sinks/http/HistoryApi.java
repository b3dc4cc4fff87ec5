package dev.hilnas.sinks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.http.HttpJson;
import dev.hilnas.sinks.state.FrontierCatalog;
import dev.hilnas.sinks.state.FrontierHistory;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/history/{target}}: hypervolume over time of each of the target's frontiers,
 * from {@link FrontierHistory} (docs/http-api.md).
 */
public final class HistoryApi {

  private static final String PREFIX = "/api/v1/history/";

  private final FrontierCatalog frontiers;
  private final FrontierHistory history;

  public HistoryApi(FrontierCatalog frontiers, FrontierHistory history) {
    this.frontiers = frontiers;
    this.history = history;
  }

  public void register(HttpServer server) {
    server.createContext(PREFIX, ex -> HttpJson.handle(ex, "GET", this::get));
  }

  private void get(HttpExchange ex) throws IOException {
    String target = HttpJson.pathAfter(ex, PREFIX);
    List<FrontierUpdate> current = frontiers.frontiers(target);
    if (current.isEmpty()) {
      throw new HttpJson.ClientError(404, "no frontier for target '" + target + "' yet");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (FrontierUpdate f : current) {
      List<Map<String, Object>> samples = new ArrayList<>();
      for (FrontierHistory.Sample s : history.of(target, f.getObjective())) {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("version", s.version());
        sample.put("at", Instant.ofEpochMilli(s.atMs()).toString());
        sample.put("hypervolume", s.hypervolume());
        sample.put("points", s.points());
        samples.add(sample);
      }
      Map<String, Object> series = new LinkedHashMap<>();
      series.put("objective", f.getObjective());
      series.put("samples", samples);
      out.add(series);
    }
    HttpJson.send(ex, 200, out);
  }
}
