package dev.hilnas.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.cluster.EmbeddedKafka;
import dev.hilnas.core.Limits;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.producers.gateway.IngestApi;
import dev.hilnas.producers.gateway.IngestGateway;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.TopicSetup;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.testing.HostileInput;
import dev.hilnas.testing.TopicRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Device ingest under fuzz, into a real broker: batches of valid and hostile lines mixed. Every
 * batch gets a status a device can act on (a line for a target the device may not report for
 * refuses the batch: 403), and what was accepted is on hil.measurements exactly once — no more, no
 * less — while every line a 200 reported invalid went to hil.dlq.
 */
class IngestFuzzIT {

  static final Set<Integer> ANSWERS = Set.of(200, 400, 403, 413, 429);
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static Path dir;
  static EmbeddedKafka kafka;
  static KafkaConnection connection;
  static IngestGateway gateway;
  static HttpServer server;
  static String token;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("ingest-fuzz");
    kafka = EmbeddedKafka.start(dir, 0);
    connection = KafkaConnection.to(kafka.bootstrapServers());
    TopicSetup.ensure(connection, (short) 1);
    Devices.Added device =
        new Devices(List.of())
            .add(
                "fuzz-1",
                Set.of("x86-1thread-numpy/numpy-openblas-fp32", "pixel8-cpu/executorch/int8"));
    token = device.token();
    gateway =
        new IngestGateway(
            connection, device.devices(), Limits.DEFAULTS, 100_000, Clock.systemUTC());
    server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    new IngestApi(gateway, new SimpleMeterRegistry()).register(server);
    server.start();
  }

  @AfterContainer
  static void stop() throws Exception {
    server.stop(0);
    gateway.close();
    kafka.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<List<String>> batches() {
    return HostileInput.lines(HostileInput.MEASUREMENTS)
        .list()
        .ofMinSize(1)
        .ofMaxSize(5)
        .map(lines -> String.join("\n", lines))
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }

  @Property(tries = 12)
  void shouldCountWhatItAcceptsExactlyOnceAndAnswerTheRestWithAReason(
      @ForAll("batches") List<String> bodies) throws Exception {
    int measurementsBefore = count(Topics.MEASUREMENTS.name());
    int lettersBefore = count(Topics.DLQ.name());
    int accepted = 0;
    int reportedInvalid = 0;
    for (String body : bodies) {
      HttpResponse<String> answer = post(body);
      assertTrue(ANSWERS.contains(answer.statusCode()), answer.statusCode() + ": " + answer.body());
      JsonNode json = Json.MAPPER.readTree(answer.body());
      if (answer.statusCode() == 200) {
        accepted += json.get("accepted").asInt();
        reportedInvalid += json.get("invalid").asInt();
      } else {
        assertTrue(json.hasNonNull("error"), "a refusal says why: " + answer.body());
      }
    }
    assertEquals(accepted, count(Topics.MEASUREMENTS.name()) - measurementsBefore);
    assertEquals(reportedInvalid, count(Topics.DLQ.name()) - lettersBefore);
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:" + server.getAddress().getPort() + "/api/v1/measurements"))
            .header("Content-Type", "application/x-ndjson")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int count(String topic) {
    return TopicRecords.readAll(connection, topic).size();
  }
}
