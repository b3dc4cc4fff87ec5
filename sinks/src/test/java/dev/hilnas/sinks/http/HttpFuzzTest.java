package dev.hilnas.sinks.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.Topics;
import dev.hilnas.sinks.TestServices;
import dev.hilnas.sinks.state.Materializer;
import dev.hilnas.testing.HostileInput;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The query routes under fuzz, over raw sockets so that request lines no HTTP client would send
 * arrive too: whatever the path, query or body, the answer is a status a client can act on — never
 * a 5xx other than 503 and never a dropped connection.
 */
class HttpFuzzTest {

  /** What a client may get: success, its own mistake, or "not ready yet". */
  static final Set<Integer> ANSWERS = Set.of(200, 400, 404, 405, 413, 414, 415, 431, 503);

  static TopologyTestDriver driver;
  static TestServices.Server service;

  @BeforeContainer
  static void start() throws Exception {
    driver = new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
    LatencyModelSnapshot snapshot =
        ModelApiTest.snapshot(
            1, LatencyModelTrainer.fit(ModelApiTest.decodeOnly(12)).orElseThrow());
    driver
        .createInputTopic(
            Topics.LATENCY_MODELS.name(),
            Topics.LATENCY_MODELS.keySerde().serializer(),
            Topics.LATENCY_MODELS.valueSerde().serializer())
        .pipeInput(ModelApiTest.PIXEL.id(), snapshot);
    service = TestServices.over(driver);
  }

  @AfterContainer
  static void stop() {
    service.close();
    driver.close();
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.of(
                "pixel8-cpu",
                "executorch-xnnpack",
                "best",
                "",
                "..",
                "%zz",
                "%00",
                "%2F",
                "%",
                "a%2",
                "x".repeat(5000),
                "\u00e9",
                "PREFILL@512",
                "DECODE@0",
                "PREFILL@-1"),
            Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12));
    Arbitrary<String> query =
        Combinators.combine(
                Arbitraries.of("objective", "maxLatencyMs", "target", "live", "%zz", "", "a=b"),
                segment)
            .as((k, v) -> k + "=" + v)
            .list()
            .ofMaxSize(4)
            .map(pairs -> pairs.isEmpty() ? "" : "?" + String.join("&", pairs));
    Arbitrary<String> prefix =
        Arbitraries.of(
            "/api/v1/models/",
            "/api/v1/frontiers/",
            "/api/v1/targets",
            "/api/v1/calibration/",
            "/api/v1/history/",
            "/api/v1/progress",
            "/api/v1/",
            "/",
            "//");
    return Combinators.combine(prefix, segment.list().ofMaxSize(4), query)
        .as((p, segments, q) -> p + String.join("/", segments) + q)
        .map(path -> path.replace(" ", "%20").replace("\r", "").replace("\n", ""));
  }

  @Provide
  Arbitrary<String> predictBodies() {
    return HostileInput.lines(
        List.of(
            "{\"hardware\":\"pixel8-cpu\",\"runtime\":\"executorch-xnnpack\",\"phase\":\"DECODE\","
                + "\"contextLength\":128,\"candidate\":"
                + ModelApiTest.CANDIDATE
                + "}",
            "{\"target\":\"pixel8-cpu/executorch-xnnpack\",\"phase\":\"DECODE\","
                + "\"contextLength\":512,\"candidate\":"
                + HostileInput.CANDIDATES.get(0)
                + "}"));
  }

  @Property(tries = 1000)
  void shouldAnswerEveryGetWithAStatusAClientCanActOn(@ForAll("paths") String path)
      throws IOException {
    int status = exchange("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n", new byte[0]);
    assertTrue(ANSWERS.contains(status), "GET " + abbreviate(path) + " → " + status);
  }

  @Property(tries = 1000)
  void shouldAnswerEveryPredictBodyWithAStatusAClientCanActOn(@ForAll("predictBodies") String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int status =
        exchange(
            "POST /api/v1/predict HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + bytes.length
                + "\r\n",
            bytes);
    assertTrue(ANSWERS.contains(status), "predict " + abbreviate(body) + " → " + status);
  }

  /** The status of the answer, or -1 when the server closed the connection without one. */
  static int exchange(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket("localhost", service.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      String statusLine = firstLine(socket.getInputStream());
      String[] parts = statusLine.split(" ");
      return parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
    }
  }

  private static String firstLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.ISO_8859_1).strip();
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…(" + s.length() + " chars)" : s;
  }
}
