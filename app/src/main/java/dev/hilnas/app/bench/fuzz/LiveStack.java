package dev.hilnas.app.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.schemas.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;

/**
 * The running stack as the fuzz sees it from outside: requests over a raw socket, so that request
 * lines no HTTP client would send arrive too, and what {@code /healthz}, {@code /metrics} and the
 * model API tell about it. Thread-safe: every request has a connection of its own.
 */
final class LiveStack {

  private static final Pattern TOPIC = Pattern.compile("topic=\"([^\"]*)\"");

  /** The most of an answer read; answers to the fuzz are small, a bigger one is cut here. */
  private static final int MAX_ANSWER_BYTES = 1 << 20;

  private final URI url;

  /**
   * @param url the stack's HTTP root, {@code http://localhost:8080/} (or https)
   */
  LiveStack(URI url) {
    this.url = url;
  }

  /**
   * @param status the status, or -1 when the connection closed without an answer
   * @param headers lower-case names
   */
  record Answer(int status, Map<String, String> headers, String body) {
    /** The {@code error} of a JSON error answer, else the start of the body. */
    String error() {
      try {
        JsonNode json = Json.MAPPER.readTree(body);
        if (json != null && json.hasNonNull("error")) {
          return json.get("error").asText();
        }
      } catch (IOException e) {
        // not JSON: the JDK server's own HTML refusals
      }
      return body.length() > 80 ? body.substring(0, 80) : body;
    }
  }

  /**
   * Sends a request head (request line and headers, without the blank line) and a body.
   *
   * @throws ConnectException when nothing listens at the stack's address
   */
  Answer exchange(String head, byte[] body) throws IOException {
    int port = url.getPort() > 0 ? url.getPort() : https() ? 443 : 80;
    try (Socket socket =
        https()
            ? SSLSocketFactory.getDefault().createSocket(url.getHost(), port)
            : new Socket(url.getHost(), port)) {
      socket.setSoTimeout(60_000); // ingest waits up to 30 s for Kafka before it answers 503
      String host = "Host: " + url.getHost() + "\r\nConnection: close\r\n";
      if (body.length > 0) {
        host += "Content-Length: " + body.length + "\r\n";
      }
      try {
        OutputStream out = socket.getOutputStream();
        out.write((head + "\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before it reads the body (401, 413): read the answer
      }
      try {
        return read(new BufferedInputStream(socket.getInputStream()));
      } catch (IOException e) {
        return new Answer(-1, Map.of(), "connection closed: " + e.getMessage());
      }
    }
  }

  Answer get(String pathAndQuery) throws IOException {
    return exchange("GET " + pathAndQuery + " HTTP/1.1", new byte[0]);
  }

  /** Waits until {@code /healthz} says UP. */
  void awaitUp(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (healthy()) {
          return;
        }
      } catch (ConnectException e) {
        throw new IllegalStateException(
            "no hilnas stack answers at " + url + " (start one with `hilnas serve`)", e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the stack at " + url + " did not become healthy within " + timeout);
      }
      Thread.sleep(500);
    }
  }

  boolean healthy() throws IOException {
    return get("/healthz").status() == 200;
  }

  /** The sum over all labels of each metric {@code /metrics} shows. */
  /**
   * Every metric on {@code /metrics}, summed over its labels, and, for a metric with a {@code
   * topic} label, also per topic as {@code name|topic}.
   */
  Map<String, Double> metrics() throws IOException {
    Answer a = get("/metrics");
    if (a.status() != 200) {
      throw new IllegalStateException("/metrics answered " + a.status() + ": " + a.error());
    }
    Map<String, Double> sums = new HashMap<>();
    for (String line : a.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int labels = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, labels >= 0 ? labels : line.indexOf(' '));
      try {
        double value = Double.parseDouble(line.substring(space + 1));
        sums.merge(name, value, Double::sum);
        Matcher topic = TOPIC.matcher(line);
        if (labels >= 0 && topic.find(labels)) {
          sums.merge(name + "|" + topic.group(1), value, Double::sum);
        }
      } catch (NumberFormatException e) {
        // a value Prometheus writes that no counter of ours has (NaN is parsed)
      }
    }
    return sums;
  }

  /**
   * The measurements the job has counted for a target: its latency model's {@code measurements}, 0
   * before it has one.
   */
  long measurements(String targetId) throws IOException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      Answer a = get("/api/v1/models/" + targetId);
      if (a.status() == 200) {
        return Json.MAPPER.readTree(a.body()).get("measurements").asLong();
      } else if (a.status() == 404) {
        return 0;
      } else if (attempt == 20) {
        throw new IllegalStateException(
            "the model of " + targetId + " answered " + a.status() + ": " + a.error());
      }
      Thread.sleep(500); // 503 while the state loads
    }
  }

  private boolean https() {
    return "https".equalsIgnoreCase(url.getScheme());
  }

  private static Answer read(InputStream in) throws IOException {
    String statusLine = line(in);
    String[] parts = statusLine.split(" ");
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      return new Answer(-1, Map.of(), statusLine);
    }
    Map<String, String> headers = new HashMap<>();
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.put(
            h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
      }
    }
    byte[] body = in.readNBytes(MAX_ANSWER_BYTES);
    return new Answer(
        Integer.parseInt(parts[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.ISO_8859_1).strip();
  }
}
