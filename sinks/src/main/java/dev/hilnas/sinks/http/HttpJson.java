package dev.hilnas.sinks.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writing JSON responses and errors the same way on every endpoint. */
public final class HttpJson {

  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private HttpJson() {}

  public static void send(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json", MAPPER.writeValueAsString(body));
  }

  public static void error(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, Map.of("error", message));
  }

  public static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
