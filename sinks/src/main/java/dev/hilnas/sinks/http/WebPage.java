package dev.hilnas.sinks.http;

import com.sun.net.httpserver.HttpServer;
import dev.hilnas.schemas.http.HttpJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /}: the live Pareto page, and {@code /static/*}: its script and style, all from the
 * jar ({@code web/} on the classpath) — no CDN, so it works on an air-gapped lab network. The root
 * route serves {@code /} only, so every path no other route serves gets 404 here.
 */
public final class WebPage {

  private static final Map<String, String> FILES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/static/app.js", "app.js",
          "/static/plot.js", "plot.js",
          "/static/style.css", "style.css");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8");

  public void register(HttpServer server) {
    FILES.forEach(
        (path, file) -> {
          String body = read(file);
          String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
          server.createContext(
              path, ex -> HttpJson.handle(ex, "GET", e -> HttpJson.send(e, 200, type, body)));
        });
  }

  private static String read(String file) {
    try (InputStream in = WebPage.class.getResourceAsStream("/web/" + file)) {
      if (in == null) {
        throw new IllegalStateException("web/" + file + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
