package dev.hilnas.schemas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.hilnas.schemas.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The answers every endpoint gives the same way, on a real server with routes made for it. */
class HttpJsonTest {

  private static final int MAX_BODY = 16;

  static HttpServer server;
  static ExecutorService threads;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    threads = Executors.newFixedThreadPool(2);
    server.setExecutor(threads);
    server.createContext("/", HttpJson::notFound);
    server.createContext(
        "/exact", ex -> HttpJson.handle(ex, "GET", e -> HttpJson.send(e, 200, Map.of())));
    server.createContext(
        "/targets/",
        ex ->
            HttpJson.handle(
                ex,
                "GET",
                e ->
                    HttpJson.send(
                        e,
                        200,
                        Map.of(
                            "target",
                            HttpJson.pathAfter(e, "/targets/"),
                            "query",
                            HttpJson.query(e)))));
    server.createContext(
        "/echo",
        ex ->
            HttpJson.handle(
                ex,
                "POST",
                e ->
                    HttpJson.send(
                        e,
                        200,
                        "text/plain",
                        new String(
                            HttpJson.body(e, MAX_BODY, "at most 16 bytes"),
                            StandardCharsets.UTF_8))));
    server.createContext(
        "/broken",
        ex ->
            HttpJson.handle(
                ex,
                "GET",
                e -> {
                  throw new IllegalStateException("a bug");
                }));
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    threads.shutdown();
  }

  static URI uri(String pathAndQuery) {
    return URI.create("http://localhost:" + server.getAddress().getPort() + pathAndQuery);
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  static String error(HttpResponse<String> response) throws Exception {
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
    return Json.MAPPER.readTree(response.body()).get("error").asText();
  }

  /** The status line and the body of the answer to a request written as it is, byte for byte. */
  static String[] raw(String request) throws IOException {
    try (Socket socket = new Socket("localhost", server.getAddress().getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String status = line(in);
      int length = 0;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        if (header.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(header.substring(15).strip());
        }
      }
      return new String[] {status, new String(in.readNBytes(length), StandardCharsets.UTF_8)};
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the connection closed after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Test
  void shouldAnswer415ToAPostWithoutAContentType() throws Exception {
    HttpResponse<String> response = post("/echo", null, "{}");

    assertEquals(415, response.statusCode());
    assertEquals(
        "Content-Type must be application/json or application/x-ndjson, got none", error(response));
  }

  @Test
  void shouldTakeJsonAndJsonLinesWhateverTheirCharsetParameter() throws Exception {
    assertEquals(200, post("/echo", "application/json", "{}").statusCode());
    assertEquals(200, post("/echo", "Application/JSON; charset=utf-8", "{}").statusCode());
    assertEquals(200, post("/echo", "application/x-ndjson", "{}\n{}").statusCode());
  }

  @Test
  void shouldAnswer404ToAPathARouteDoesNotServe() throws Exception {
    HttpResponse<String> longer = send(HttpRequest.newBuilder(uri("/exact/more")));
    assertEquals(404, longer.statusCode());
    assertEquals(
        "nothing at /exact/more; the API's routes start /api/v1/targets, /api/v1/models/, /api/v1/frontiers/, ...",
        error(longer));

    HttpResponse<String> prefixed = send(HttpRequest.newBuilder(uri("/exactly")));
    assertEquals(404, prefixed.statusCode());
    assertEquals(
        "nothing at /exactly; the API's routes start /api/v1/targets, /api/v1/models/, /api/v1/frontiers/, ...",
        error(prefixed));
  }

  @Test
  void shouldAnswer404ToAnUnknownPathWhateverTheMethod() throws Exception {
    HttpResponse<String> response = post("/nope", "text/plain", "hello");

    assertEquals(404, response.statusCode());
    assertEquals(
        "nothing at /nope; the API's routes start /api/v1/targets, /api/v1/models/, /api/v1/frontiers/, ...",
        error(response));
  }

  @Test
  void shouldAnswer405WithAllowToTheWrongMethod() throws Exception {
    HttpResponse<String> response = post("/exact", "application/json", "{}");

    assertEquals(405, response.statusCode());
    assertEquals("GET", response.headers().firstValue("Allow").orElseThrow());
    assertEquals("use GET here", error(response));
  }

  @Test
  void shouldAnswer405ToAHeadWithoutABodyAndWithoutTheServersWarning() throws Exception {
    List<java.util.logging.LogRecord> warned = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger jdkLog = java.util.logging.Logger.getLogger("com.sun.net.httpserver");
    java.util.logging.Handler catcher =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
              warned.add(r);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jdkLog.addHandler(catcher);
    try {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(uri("/exact"))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody()));

      assertEquals(405, response.statusCode());
      assertEquals("GET", response.headers().firstValue("Allow").orElseThrow());
      assertEquals("", response.body());
      assertEquals(List.of(), warned.stream().map(r -> r.getMessage()).toList());
    } finally {
      jdkLog.removeHandler(catcher);
    }
  }

  @Test
  void shouldDecodeTargetsInPathsAndPlusAsASpaceOnlyInQueries() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/targets/cpu+avx/x%2Fy/%C3%A9?objective=a+b%40c")));

    assertEquals(200, response.statusCode(), response.body());
    assertEquals(
        Json.MAPPER.readTree(
            "{\"target\":\"cpu+avx/x/y/\u00e9\",\"query\":{\"objective\":\"a b@c\"}}"),
        Json.MAPPER.readTree(response.body()));
  }

  @Test
  void shouldAnswer400ToAPathThatIsNotPercentEncodedUtf8() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/targets/x%C3%28")));

    assertEquals(400, response.statusCode());
    assertEquals("the path is not percent-encoded UTF-8: /targets/x%C3%28", error(response));
  }

  @Test
  void shouldAnswer400ToAQueryThatIsNotPercentEncodedUtf8() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/targets/x?objective=%FF&b=1")));

    assertEquals(400, response.statusCode());
    assertEquals("the query is not percent-encoded UTF-8: objective=%FF&b=1", error(response));
  }

  @Test
  void shouldAnswer500WithJsonWhenAHandlerFails() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/broken")));

    assertEquals(500, response.statusCode());
    assertEquals("unexpected server error; the server log has the details", error(response));
  }

  @Test
  void shouldAnswer413ToADeclaredBodyOverTheCapBeforeReadingIt() throws Exception {
    String[] answer =
        raw(
            "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000000\r\n\r\n"); // and not a byte of it

    assertEquals("HTTP/1.1 413 Request Entity Too Large", answer[0]);
    assertEquals("{\"error\":\"at most 16 bytes\"}", answer[1]);
  }

  @Test
  void shouldAnswer413ToAStreamedBodyOverTheCap() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/echo"))
                .header("Content-Type", "application/json")
                .POST( // chunked: no length declared
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(new byte[MAX_BODY + 1]))));

    assertEquals(413, response.statusCode());
    assertEquals("at most 16 bytes", error(response));
  }
}
