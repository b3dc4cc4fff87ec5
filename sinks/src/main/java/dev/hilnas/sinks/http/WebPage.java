package dev.hilnas.sinks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.schemas.http.HttpJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /}: the live Pareto page, and {@code /static/*}: its script and style, all from the
 * jar ({@code web/} on the classpath) — no CDN, so it works on an air-gapped lab network.
 */
public final class WebPage {

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8");

  public void register(HttpServer server) {
    server.createContext("/", ex -> HttpJson.handle(ex, "GET", this::serve));
  }

  private void serve(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String file;
    if (path.equals("/") || path.equals("/index.html")) {
      file = "index.html";
    } else if (path.startsWith("/static/") && path.substring(8).matches("[a-z0-9-]+\\.(js|css)")) {
      file = path.substring(8);
    } else {
      throw new HttpJson.ClientError(404, "nothing at " + path + "; the API lives under /api/v1/");
    }
    try (InputStream in = WebPage.class.getResourceAsStream("/web/" + file)) {
      if (in == null) {
        throw new HttpJson.ClientError(404, "nothing at " + path);
      }
      String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
      HttpJson.send(ex, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
