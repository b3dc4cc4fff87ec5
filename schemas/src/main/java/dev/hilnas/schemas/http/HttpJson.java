package dev.hilnas.schemas.http;

import com.sun.net.httpserver.HttpExchange;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writing JSON responses and errors the same way on every endpoint. */
public final class HttpJson {

  private HttpJson() {}

  /** A request the client got wrong: the status to answer and a message saying why. */
  public static final class ClientError extends RuntimeException {
    private final int status;

    public ClientError(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** Thrown while the state an endpoint reads is not queryable yet (starting or restoring): 503. */
  public static final class NotReady extends RuntimeException {
    public NotReady(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** One endpoint's work; throws {@link ClientError} for what the client got wrong. */
  public interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  /**
   * Runs a handler for one method: other methods get 405, a {@link ClientError} its status and
   * message, state still loading 503; the exchange is always closed.
   */
  public static void handle(HttpExchange ex, String method, Handler handler) throws IOException {
    try (ex) {
      try {
        if (!ex.getRequestMethod().equals(method)) {
          ex.getResponseHeaders().set("Allow", method);
          throw new ClientError(405, "use " + method + " here");
        }
        handler.handle(ex);
      } catch (ClientError e) {
        error(ex, e.status(), e.getMessage());
      } catch (NotReady e) {
        error(ex, 503, e.getMessage());
      }
    }
  }

  /** The decoded query parameters of a request (last value wins). */
  public static Map<String, String> query(HttpExchange ex) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return out;
  }

  public static void send(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json", Json.MAPPER.writeValueAsString(body));
  }

  public static void error(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, Map.of("error", message));
  }

  public static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
