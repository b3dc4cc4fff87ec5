package dev.hilnas.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.producers.gateway.IngestApi;
import dev.hilnas.producers.gateway.IngestGateway;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.schemas.json.MeasurementJson;
import dev.hilnas.testing.TopicRecords;
import dev.hilnas.testing.WithBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Device ingest over HTTP into the embedded broker: auth, per-line errors, retries, back-pressure.
 */
class GatewayIT extends WithBroker {

  private static final HardwareTarget PHONE = new HardwareTarget("lab-phone", "executorch");
  private static final Candidate C =
      Candidate.builder()
          .layers(2)
          .dModel(64)
          .heads(2, 1)
          .headDim(32)
          .ffnDim(128)
          .vocabSize(100)
          .attention("GL")
          .window(8)
          .build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String line(HardwareTarget target, double ms) {
    return MeasurementJson.toJson(Measurement.of("c", C, target, Phase.DECODE, 64, ms, List.of()));
  }

  private static HttpResponse<String> post(Ingest service, String token, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + service.port() + "/api/v1/measurements"))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Device ingest alone on a free port, mounted as the app mounts it. */
  private record Ingest(HttpServer http) implements AutoCloseable {
    int port() {
      return http.getAddress().getPort();
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  private static Ingest service(IngestGateway gateway) throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    new IngestApi(gateway, new SimpleMeterRegistry()).register(http);
    http.start();
    return new Ingest(http);
  }

  private static int count(String topic) {
    return TopicRecords.readAll(connection, topic).size();
  }

  @Test
  void devicesPostBatchesWithPerLineErrorsAndRetriesNeverCountTwice() throws Exception {
    Devices.Added phone = new Devices(List.of()).add("phone-1", Set.of(PHONE.id()));
    Devices.Added other = phone.devices().add("other-1", Set.of("lab-other/executorch"));
    try (IngestGateway gateway =
            new IngestGateway(
                connection, other.devices(), Limits.DEFAULTS, 10_000, Clock.systemUTC());
        Ingest service = service(gateway)) {
      int before = count(Topics.MEASUREMENTS.name()); // the class's tests share one broker
      String batch = line(PHONE, 1.5) + "\n" + line(PHONE, 1.6) + "\n{\"phase\":\"DECODE\"\n";

      assertEquals(401, post(service, null, batch).statusCode());
      assertEquals(401, post(service, "hil_wrong", batch).statusCode());
      HttpResponse<String> foreign = post(service, other.token(), batch);
      assertEquals(403, foreign.statusCode());
      assertTrue(
          foreign
              .body()
              .contains("may report for [lab-other/executorch], not lab-phone/executorch"),
          foreign.body());
      assertEquals(before, count(Topics.MEASUREMENTS.name()), "a refused batch publishes nothing");

      HttpResponse<String> first = post(service, phone.token(), batch);
      assertEquals(200, first.statusCode(), first.body());
      JsonNode result = Json.MAPPER.readTree(first.body());
      List<String> keys = new ArrayList<>();
      result.fieldNames().forEachRemaining(keys::add);
      assertEquals(
          List.of("accepted", "duplicates", "invalid", "errors"), keys, "in a fixed order");
      List<String> errorKeys = new ArrayList<>();
      result.get("errors").get(0).fieldNames().forEachRemaining(errorKeys::add);
      assertEquals(List.of("line", "reason"), errorKeys);
      assertEquals(2, result.get("accepted").asInt());
      assertEquals(1, result.get("invalid").asInt());
      assertEquals(3, result.get("errors").get(0).get("line").asInt());
      assertEquals(
          "not valid JSON: Unexpected end-of-input: expected close marker for Object",
          result.get("errors").get(0).get("reason").asText(),
          "said as import says it");
      assertEquals(before + 2, count(Topics.MEASUREMENTS.name()));
      DeadLetter letter =
          Topics.DLQ
              .valueSerde()
              .deserializer()
              .deserialize(
                  null, TopicRecords.readAll(connection, Topics.DLQ.name()).get(0).value());
      assertEquals("http:phone-1", letter.getSourceTopic());
      assertTrue(letter.getReason().startsWith("line 3: "), letter.getReason());

      JsonNode retried =
          Json.MAPPER.readTree(
              post(service, phone.token(), "[" + line(PHONE, 1.5) + "," + line(PHONE, 1.6) + "]")
                  .body());
      assertEquals(
          0, retried.get("accepted").asInt(), "a retry of the same measurements (as a JSON array)");
      assertEquals(2, retried.get("duplicates").asInt());
      assertEquals(before + 2, count(Topics.MEASUREMENTS.name()));

      HttpResponse<String> allBad = post(service, phone.token(), "not json\n");
      assertEquals(400, allBad.statusCode());
      assertTrue(allBad.body().contains("line 1"), allBad.body());
      HttpResponse<String> cut = post(service, phone.token(), "[1,");
      assertEquals(400, cut.statusCode());
      assertTrue(cut.body().contains("not a JSON array: not valid JSON: "), cut.body());
      assertFalse(cut.body().contains("Source"), "no parser internals: " + cut.body());
      HttpResponse<String> none = post(service, phone.token(), "[]");
      assertEquals(400, none.statusCode(), "as an empty body is");
      assertTrue(none.body().contains("an empty array"), none.body());
    }
  }

  /**
   * The status line and body of the answer to a post that declares a body of {@code length} bytes
   * and sends none of it.
   */
  private static String[] answerToADeclaredBody(Ingest service, String token, long length)
      throws Exception {
    try (Socket socket = new Socket("localhost", service.port())) {
      socket.setSoTimeout(30_000);
      String head =
          "POST /api/v1/measurements HTTP/1.1\r\nHost: localhost\r\n"
              + "Content-Type: application/x-ndjson\r\nContent-Length: "
              + length
              + "\r\n"
              + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
              + "\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String status = in.readLine();
      int bodyLength = 0;
      for (String header = in.readLine(); !header.isEmpty(); header = in.readLine()) {
        if (header.toLowerCase().startsWith("content-length:")) {
          bodyLength = Integer.parseInt(header.substring(15).strip());
        }
      }
      char[] body = new char[bodyLength];
      for (int read = 0; read < bodyLength; ) {
        read += in.read(body, read, bodyLength - read);
      }
      return new String[] {status, new String(body)};
    }
  }

  @Test
  void shouldAnswer401ToAStrangerBeforeReadingABodyOfAnySize() throws Exception {
    try (IngestGateway gateway =
            new IngestGateway(
                connection, new Devices(List.of()), Limits.DEFAULTS, 10_000, Clock.systemUTC());
        Ingest service = service(gateway)) {
      String[] answer = answerToADeclaredBody(service, null, 1L << 40);

      assertEquals("HTTP/1.1 401 Unauthorized", answer[0]);
      assertEquals(
          "{\"error\":\"missing token: send Authorization: Bearer <device token>\"}", answer[1]);
    }
  }

  @Test
  void shouldAnswer413ToADeviceDeclaringABatchOverTheCapBeforeReadingIt() throws Exception {
    Devices.Added phone = new Devices(List.of()).add("phone-1", Set.of(PHONE.id()));
    try (IngestGateway gateway =
            new IngestGateway(
                connection, phone.devices(), Limits.DEFAULTS, 10_000, Clock.systemUTC());
        Ingest service = service(gateway)) {
      String[] answer = answerToADeclaredBody(service, phone.token(), (8 << 20) + 1);

      assertEquals("HTTP/1.1 413 Request Entity Too Large", answer[0]);
      assertEquals("{\"error\":\"a batch is at most 8 MiB; split it\"}", answer[1]);
    }
  }

  @Test
  void aGatewayWhoseKafkaIsBehindAsksDevicesToComeBackLater() throws Exception {
    Devices.Added phone = new Devices(List.of()).add("phone-1", Set.of(PHONE.id()));
    try (IngestGateway gateway =
            new IngestGateway(connection, phone.devices(), Limits.DEFAULTS, 0, Clock.systemUTC());
        Ingest service = service(gateway)) {
      HttpResponse<String> busy = post(service, phone.token(), line(PHONE, 2.5));
      assertEquals(429, busy.statusCode());
      assertEquals("1", busy.headers().firstValue("Retry-After").orElse(""));
    }
  }

  @Test
  void aLineBeyondTheLimitsIsRefusedWithTheReason() throws Exception {
    Devices.Added phone = new Devices(List.of()).add("phone-1", Set.of(PHONE.id()));
    try (IngestGateway gateway =
            new IngestGateway(
                connection, phone.devices(), Limits.DEFAULTS, 10_000, Clock.systemUTC());
        Ingest service = service(gateway)) {
      int before = count(Topics.MEASUREMENTS.name());
      HttpResponse<String> huge = post(service, phone.token(), line(PHONE, 1e308));

      assertEquals(400, huge.statusCode());
      assertEquals(
          "no valid line; first: line 1: latencyMs must be at most 3600000, got 1.0E308",
          Json.MAPPER.readTree(huge.body()).get("error").asText());
      assertEquals(before, count(Topics.MEASUREMENTS.name()));
    }
  }

  @Test
  void eachLineOfABatchIsPublishedWithItsOwnCandidate() throws Exception {
    // the gateway converts each candidate of a batch once: lines that share one, and lines that
    // do not
    Devices.Added device = new Devices(List.of()).add("mixed-1", Set.of(PHONE.id()));
    Candidate deeper =
        Candidate.builder()
            .layers(3)
            .dModel(64)
            .heads(2, 1)
            .headDim(32)
            .ffnDim(128)
            .vocabSize(100)
            .attention("GLG")
            .window(8)
            .build();
    List<Measurement> posted =
        List.of(
            Measurement.of("c", C, PHONE, Phase.DECODE, 64, 1.1, List.of()),
            Measurement.of("d", deeper, PHONE, Phase.DECODE, 64, 1.2, List.of()),
            Measurement.of("c", C, PHONE, Phase.PREFILL, 128, 1.3, List.of()));
    String batch = posted.stream().map(MeasurementJson::toJson).collect(Collectors.joining("\n"));
    try (IngestGateway gateway =
            new IngestGateway(
                connection, device.devices(), Limits.DEFAULTS, 10_000, Clock.systemUTC());
        Ingest service = service(gateway)) {
      HttpResponse<String> answer = post(service, device.token(), batch);
      assertEquals(200, answer.statusCode(), answer.body());
      List<Measurement> published =
          TopicRecords.readAll(connection, Topics.MEASUREMENTS.name()).stream()
              .map(
                  r -> Topics.MEASUREMENTS.valueSerde().deserializer().deserialize(null, r.value()))
              .filter(m -> "mixed-1".equals(m.getAgentId()))
              .map(Convert::fromAvro)
              .toList();
      assertEquals(
          posted.stream().map(m -> m.candidateId() + " " + m.candidate()).toList(),
          published.stream().map(m -> m.candidateId() + " " + m.candidate()).toList());
    }
  }

  @Test
  void twoDevicesReportingTheSameMeasurementIdAreBothCounted() throws Exception {
    Devices.Added first = new Devices(List.of()).add("phone-1", Set.of(PHONE.id()));
    Devices.Added second = first.devices().add("phone-2", Set.of(PHONE.id()));
    String sameId =
        MeasurementJson.toJson(
            new Measurement(
                "run-1", "c", C, PHONE, Phase.DECODE, 64, 2.0, List.of(), null, null, null, null));
    try (IngestGateway gateway =
            new IngestGateway(
                connection, second.devices(), Limits.DEFAULTS, 10_000, Clock.systemUTC());
        Ingest service = service(gateway)) {
      int before = count(Topics.MEASUREMENTS.name());
      JsonNode fromFirst = Json.MAPPER.readTree(post(service, first.token(), sameId).body());
      JsonNode fromSecond = Json.MAPPER.readTree(post(service, second.token(), sameId).body());
      JsonNode again = Json.MAPPER.readTree(post(service, second.token(), sameId).body());

      assertEquals(1, fromFirst.get("accepted").asInt());
      assertEquals(1, fromSecond.get("accepted").asInt(), "not suppressed by the other device");
      assertEquals(1, again.get("duplicates").asInt(), "a device's own repeat still is one");
      assertEquals(before + 2, count(Topics.MEASUREMENTS.name()));
    }
  }
}
