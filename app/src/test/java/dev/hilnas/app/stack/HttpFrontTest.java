package dev.hilnas.app.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.schemas.http.HttpJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one HTTP server against clients that hold on: slow senders, non-readers, too many
 * connections; and its own routes, its 404s, and TLS. Real servers on free loopback ports.
 */
class HttpFrontTest {

  /**
   * The JDK server reads these once per JVM, so every front here shares them: a second for a whole
   * request and for an idle connection, six connections.
   */
  private static final int MAX_CONNECTIONS = 6;

  private static final Duration GENEROUS = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static HttpSettings settings(int threads) {
    return settings(threads, null);
  }

  private static HttpSettings settings(int threads, SSLContext tls) {
    return new HttpSettings(
        threads,
        MAX_CONNECTIONS,
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        4,
        2,
        tls);
  }

  private static HttpFront front(HttpSettings settings) throws IOException {
    return new HttpFront("localhost", 0, settings, () -> true);
  }

  private static HttpResponse<String> get(HttpFront front, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(front.url() + path.substring(1)))
            .timeout(GENEROUS)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Socket connect(HttpFront front) throws IOException {
    Socket socket = new Socket("localhost", front.port());
    socket.setSoTimeout((int) GENEROUS.toMillis());
    return socket;
  }

  private static void write(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** One answer on a kept-alive connection: its head, then as much body as it says it has. */
  private static String readAnswer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after: " + head);
      }
      head.append((char) b);
    }
    int length =
        head.toString()
            .lines()
            .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
            .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim()))
            .findFirst()
            .orElse(0);
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  /** What the server answers, up to when it closes the connection. */
  private static String readToTheEnd(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void shouldCutOffClientsSendingTheirHeadersSlowlyAndAnswerOthersAfter() throws Exception {
    try (HttpFront front = front(settings(2)).start()) {
      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < 2; i++) { // as many as the server has threads
        Socket socket = connect(front);
        socket.setSoTimeout(100); // the pace: a header byte every 100 ms
        write(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
        slow.add(socket);
      }
      long deadline = System.nanoTime() + GENEROUS.toNanos();
      while (!slow.isEmpty() && System.nanoTime() < deadline) {
        for (Socket socket : List.copyOf(slow)) {
          try {
            write(socket, "a");
            if (socket.getInputStream().read() == -1) {
              slow.remove(socket); // closed by the server, unanswered
              socket.close();
            }
          } catch (SocketTimeoutException e) {
            // still open: another byte
          } catch (IOException e) {
            slow.remove(socket); // reset by the server
            socket.close();
          }
        }
      }
      assertTrue(slow.isEmpty(), "the slow clients are cut off");

      HttpResponse<String> health = get(front, "/healthz");
      assertEquals(200, health.statusCode());
      assertEquals("{\"status\":\"UP\"}", health.body());
    }
  }

  @Test
  void shouldCutOffAClientThatNeverFinishesItsBody() throws Exception {
    try (HttpFront front =
            front(settings(1))
                .route(
                    server ->
                        server.createContext(
                            "/echo",
                            ex ->
                                HttpJson.handle(
                                    ex,
                                    "POST",
                                    e ->
                                        HttpJson.send(
                                            e, 200, HttpJson.body(e, 1000, "big").length))))
                .start();
        Socket socket = connect(front)) {
      write(
          socket,
          "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100\r\n\r\n[1,2,3");

      assertEquals("", readToTheEnd(socket), "closed without an answer");
      assertEquals(200, get(front, "/healthz").statusCode());
    }
  }

  @Test
  void shouldCutOffAClientThatStopsReadingItsAnswer() throws Exception {
    CompletableFuture<Throwable> bigAnswer = new CompletableFuture<>();
    try (HttpFront front =
            front(settings(1))
                .route(
                    server ->
                        server.createContext(
                            "/big",
                            ex ->
                                HttpJson.handle(
                                    ex,
                                    "GET",
                                    e -> {
                                      try {
                                        HttpJson.send(e, 200, "text/plain", "x".repeat(16 << 20));
                                        bigAnswer.complete(null);
                                      } catch (IOException failed) {
                                        bigAnswer.complete(failed);
                                        throw failed;
                                      }
                                    })))
                .start();
        Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("localhost", front.port()));
      write(socket, "GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n"); // and never read

      assertInstanceOf(
          IOException.class,
          bigAnswer.get(GENEROUS.toSeconds(), TimeUnit.SECONDS),
          "the stalled write is cut off");
      assertEquals(200, get(front, "/healthz").statusCode(), "by the server's one thread");
    }
  }

  @Test
  void shouldCloseAConnectionIdleAfterItsAnswer() throws Exception {
    try (HttpFront front = front(settings(1)).start();
        Socket socket = connect(front)) {
      write(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"); // kept alive

      String answer = readToTheEnd(socket);

      assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
      assertTrue(answer.endsWith("{\"status\":\"UP\"}"), "then closed: " + answer);
    }
  }

  @Test
  void shouldKeepEveryConnectionItAcceptsAliveBetweenRequests() throws Exception {
    try (HttpFront front = front(settings(1)).start()) {
      // the JDK's own cap on idle connections (200 by default) is raised to the connection cap
      assertEquals(
          Integer.toString(MAX_CONNECTIONS),
          System.getProperty("sun.net.httpserver.maxIdleConnections"));
      List<Socket> open = new ArrayList<>();
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        open.add(connect(front));
      }
      for (int round = 0; round < 2; round++) {
        for (Socket socket : open) {
          write(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
          assertTrue(readAnswer(socket).startsWith("HTTP/1.1 200 OK"), "round " + round);
        }
      }
      for (Socket socket : open) {
        socket.close();
      }
    }
  }

  @Test
  void shouldCloseConnectionsBeyondTheCapAtOnce() throws Exception {
    try (HttpFront front = front(settings(1)).start()) {
      List<Socket> open = new ArrayList<>();
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        open.add(connect(front));
      }
      try (Socket oneMore = connect(front)) {
        assertEquals(-1, oneMore.getInputStream().read(), "closed unanswered");
      }
      for (Socket socket : open) {
        socket.close();
      }
      long deadline = System.nanoTime() + GENEROUS.toNanos();
      int status = 0;
      while (status != 200 && System.nanoTime() < deadline) {
        try {
          status = get(front, "/healthz").statusCode();
        } catch (IOException closedStill) {
          Thread.sleep(100);
        }
      }
      assertEquals(200, status, "served again once the others left");
    }
  }

  @Test
  void shouldAnswer405WithAllowToAPostToHealthAndMetrics() throws Exception {
    try (HttpFront front = front(settings(1)).start()) {
      for (String path : List.of("healthz", "metrics")) {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(front.url() + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode(), path);
        assertEquals("GET", response.headers().firstValue("Allow").orElseThrow());
        assertEquals("{\"error\":\"use GET here\"}", response.body());
      }
    }
  }

  @Test
  void shouldAnswerARequestItRefusesUnreadEvenWhenItsBodyIsBig() throws Exception {
    // found by `hilnas bench fuzz`: a 100 KB predict body sent as text/plain got a connection
    // reset instead of its 415, the server closing on a body it had not read
    try (HttpFront front = front(settings(1)).start();
        Socket socket = connect(front)) {
      write(
          socket,
          "POST /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + (1 << 20)
              + "\r\nConnection: close\r\n\r\n");
      Thread.sleep(100); // the answer is sent, the body not read
      OutputStream out = socket.getOutputStream();
      byte[] chunk = new byte[16 << 10];
      for (int sent = 0; sent < 1 << 20; sent += chunk.length) {
        out.write(chunk);
      }

      assertTrue(readToTheEnd(socket).startsWith("HTTP/1.1 405 "), "the refusal arrives");
    }
  }

  @Test
  void shouldAnswer404WithJsonToAPathNoRouteServes() throws Exception {
    try (HttpFront front = front(settings(1)).start()) {
      HttpResponse<String> response = get(front, "/healthz/more");

      assertEquals(404, response.statusCode());
      assertEquals(
          "{\"error\":\"nothing at /healthz/more; the API's routes start /api/v1/targets, /api/v1/models/, /api/v1/frontiers/, ...\"}",
          response.body());
      assertEquals(404, get(front, "/").statusCode());
    }
  }

  @Test
  void shouldAnswer400ToAPathWithBadPercentEncoding() throws Exception {
    try (HttpFront front = front(settings(1)).start();
        Socket socket = connect(front)) {
      write(socket, "GET /api/v1/frontiers/x%zz HTTP/1.1\r\nHost: localhost\r\n\r\n");

      // the JDK refuses a request target java.net.URI cannot parse before any route sees it
      assertTrue(readToTheEnd(socket).startsWith("HTTP/1.1 400 Bad Request\r\n"));
    }
  }

  /** A PKCS12 keystore with a fresh key for localhost, made by the JDK's keytool. */
  private Path keystore(String password) throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "hilnas",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password,
                "-keypass",
                password)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(keytool.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS), output);
    assertEquals(0, keytool.exitValue(), output);
    return keystore;
  }

  /** A client that trusts the keystore's certificate and nothing else. */
  private static HttpClient trusting(Path keystore, String password) throws Exception {
    KeyStore server = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      server.load(in, password.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("hilnas", server.getCertificate("hilnas"));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).build();
  }

  @Test
  void shouldServeHttpsWithTheKeyAndCertificateOfAKeystore() throws Exception {
    Path keystore = keystore("test-secret");
    try (HttpFront front = front(settings(1, HttpSettings.tls(keystore, "test-secret"))).start()) {
      assertTrue(front.url().startsWith("https://localhost:"), front.url());

      HttpResponse<String> health =
          trusting(keystore, "test-secret")
              .send(
                  HttpRequest.newBuilder(URI.create(front.url() + "healthz"))
                      .timeout(GENEROUS)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertEquals(200, health.statusCode());
      assertEquals("{\"status\":\"UP\"}", health.body());
    }
  }

  @Test
  void shouldRefuseAKeystoreWithTheWrongPassword() throws Exception {
    Path keystore = keystore("test-secret");

    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> HttpSettings.tls(keystore, "guess"));

    assertEquals(
        "cannot serve TLS with the keystore " + keystore + ": keystore password was incorrect",
        refused.getMessage());
  }
}
