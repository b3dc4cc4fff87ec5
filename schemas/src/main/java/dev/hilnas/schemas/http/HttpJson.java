package dev.hilnas.schemas.http;

import com.sun.net.httpserver.HttpExchange;
import dev.hilnas.schemas.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON over HTTP the same way on every endpoint: errors, methods, paths, body types and sizes.
 *
 * <p>A route registered at a path ending in {@code /} (other than the root) serves the paths under
 * it, such as {@code /api/v1/models/{target}}; any other route serves its own path only. The JDK
 * server hands a request to the route with the longest matching prefix, so an unknown path ends at
 * a shorter route, ultimately the root, and gets 404 there.
 */
public final class HttpJson {

  private static final Logger log = LoggerFactory.getLogger(HttpJson.class);

  /** What a POST body may be sent as: JSON, or JSON lines. Anything else (a form) gets 415. */
  private static final List<String> BODY_TYPES =
      List.of("application/json", "application/x-ndjson");

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

  /**
   * Thrown while the state an endpoint reads is not queryable yet (starting or restoring), or is in
   * a form this version cannot read: 503.
   */
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
   * Runs a handler for one method and closes the exchange. Before the handler runs: a path the
   * route does not serve gets 404, another method 405 with {@code Allow}, a POST body that is not
   * JSON or JSON lines by its {@code Content-Type} 415. From the handler: a {@link ClientError} its
   * status and message, state still loading 503, any other failure 500 (and the log).
   */
  public static void handle(HttpExchange ex, String method, Handler handler) throws IOException {
    try (ex) {
      answer(ex, method, handler);
    }
  }

  /**
   * As {@link #handle}, for a response that outlives the handler (an event stream): a handler that
   * returns normally has passed the exchange on to whoever will close it.
   */
  public static void handleStream(HttpExchange ex, String method, Handler handler)
      throws IOException {
    boolean passedOn = false;
    try {
      passedOn = answer(ex, method, handler);
    } finally {
      if (!passedOn) {
        ex.close();
      }
    }
  }

  /**
   * A target id from a path, unchanged: one that is not a target id is the client's error (400),
   * where a well-formed one that is not there is a 404.
   */
  public static String targetId(String text) {
    try {
      dev.hilnas.core.HardwareTarget.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ClientError(400, e.getMessage());
    }
    return text;
  }

  /** Answers 404 whatever the method: for a server's root when no route serves it. */
  public static void notFound(HttpExchange ex) throws IOException {
    try (ex) {
      error(ex, 404, notFoundMessage(ex));
    }
  }

  /** Whether the handler ran to its end; otherwise an error has been answered. */
  private static boolean answer(HttpExchange ex, String method, Handler handler)
      throws IOException {
    try {
      String route = ex.getHttpContext().getPath();
      String path = ex.getRequestURI().getRawPath();
      boolean tree = route.length() > 1 && route.endsWith("/");
      if (tree ? !path.startsWith(route) : !path.equals(route)) {
        throw new ClientError(404, notFoundMessage(ex));
      }
      if (!ex.getRequestMethod().equals(method)) {
        ex.getResponseHeaders().set("Allow", method);
        throw new ClientError(405, "use " + method + " here");
      }
      if (method.equals("POST")) {
        requireJsonBody(ex);
      }
      handler.handle(ex);
      return true;
    } catch (ClientError e) {
      error(ex, e.status(), e.getMessage());
    } catch (NotReady e) {
      error(ex, 503, e.getMessage());
    } catch (RuntimeException e) {
      log.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
      if (ex.getResponseCode() == -1) { // once an answer has begun, closing is all that is left
        error(ex, 500, "unexpected server error; the server log has the details");
      }
    }
    return false;
  }

  private static String notFoundMessage(HttpExchange ex) {
    return "nothing at "
        + ex.getRequestURI().getRawPath()
        + "; the API's routes start /api/v1/targets, /api/v1/models/, /api/v1/frontiers/, ...";
  }

  /** A cross-site form can post a body without asking first, but only as a form or plain text. */
  private static void requireJsonBody(HttpExchange ex) {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!BODY_TYPES.contains(media)) {
      throw new ClientError(
          415,
          "Content-Type must be application/json or application/x-ndjson, got "
              + (type == null ? "none" : "'" + type + "'"));
    }
  }

  /**
   * The request body, at most {@code maxBytes}; 413 with {@code tooLarge} when the body declares
   * more (answered before a byte of it is read) or turns out to be longer.
   */
  public static byte[] body(HttpExchange ex, int maxBytes, String tooLarge) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null && !ex.getRequestHeaders().containsKey("Transfer-Encoding")) {
      if (Long.parseLong(declared.strip()) > maxBytes) { // the JDK has checked it is a number
        throw new ClientError(413, tooLarge);
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new ClientError(413, tooLarge);
      }
      return bytes;
    }
  }

  /** The request path after {@code prefix} (its route's path), percent-decoded: a target id. */
  public static String pathAfter(HttpExchange ex, String prefix) {
    String raw = ex.getRequestURI().getRawPath();
    return decode(raw.substring(prefix.length()), false, "path", raw);
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
      out.put(decode(name, true, "query", raw), decode(value, true, "query", raw));
    }
    return out;
  }

  /**
   * Percent-decoding as UTF-8 that refuses, with 400, what does not decode (where URLDecoder would
   * quietly put U+FFFD): {@code %C3%28} is no character.
   */
  private static String decode(String raw, boolean plusIsSpace, String part, String whole) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()
            || !HexFormat.isHexDigit(raw.charAt(i + 1))
            || !HexFormat.isHexDigit(raw.charAt(i + 2))) {
          throw notUtf8(part, whole);
        }
        bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw notUtf8(part, whole);
    }
  }

  private static ClientError notUtf8(String part, String whole) {
    return new ClientError(400, "the " + part + " is not percent-encoded UTF-8: " + whole);
  }

  public static void send(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json", Json.MAPPER.writeValueAsString(body));
  }

  public static void error(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, Map.of("error", message));
  }

  public static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A body already encoded: JSON encoded once and answered many times. */
  public static void send(HttpExchange ex, int status, String type, byte[] bytes)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    if (ex.getRequestMethod().equals("HEAD")) {
      // no body, and no length: the JDK's server warns on the console of a HEAD answered with one
      ex.sendResponseHeaders(status, -1);
      ex.close();
      return;
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
