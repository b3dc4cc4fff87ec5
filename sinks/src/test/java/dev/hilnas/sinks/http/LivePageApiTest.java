package dev.hilnas.sinks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.LatencyPrediction;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.sinks.TestServices;
import dev.hilnas.sinks.state.Materializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The routes behind the live page's panels: calibration, history and progress. */
class LivePageApiTest {

  static final HardwareTarget LAB = new HardwareTarget("lab-phone", "test");
  static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  static final double TOLERANCE_MS = 1e-9;
  static final double[][] POINTS = {{10, 30}, {20, 20}, {40, 12}, {80, 10}, {25, 28}};

  static TopologyTestDriver driver;
  static TestServices.Server service;
  static AdditiveLatencyModel model;
  static final Map<String, Candidate> byArch = new HashMap<>();
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    driver = new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
    service = TestServices.over(driver);
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    List<Measurement> measurements = new ArrayList<>();
    for (int i = 0; i < POINTS.length; i++) {
      Candidate c =
          Candidate.builder()
              .layers(2 + i)
              .dModel(128)
              .heads(2, 1)
              .headDim(64)
              .ffnDim(256)
              .vocabSize(8000)
              .build();
      byArch.put(c.archId(), c);
      frontiers.add(new Quality("c" + i, c, Quality.PERPLEXITY, POINTS[i][1], null, null));
      frontiers.addMeasured(c.archId(), PREFILL_256, POINTS[i][0]);
      measurements.add(
          Measurement.of("c" + i, c, LAB, Phase.PREFILL, 256, POINTS[i][0], List.of()));
    }
    model = LatencyModelTrainer.fit(measurements).orElseThrow();
    FrontierUpdate update =
        FrontierUpdates.of(
            LAB.id(), frontiers, PREFILL_256, 7, new ReferencePoint(100, 40), Instant.EPOCH);
    service.query().frontierHistory().record(update);
    driver
        .createInputTopic(
            Topics.FRONTIERS.name(),
            Topics.FRONTIERS.keySerde().serializer(),
            Topics.FRONTIERS.valueSerde().serializer())
        .pipeInput(FrontierUpdates.key(LAB.id(), PREFILL_256), update);
    driver
        .createInputTopic(
            Topics.LATENCY_MODELS.name(),
            Topics.LATENCY_MODELS.keySerde().serializer(),
            Topics.LATENCY_MODELS.valueSerde().serializer())
        .pipeInput(
            LAB.id(),
            ModelSnapshots.of(
                LAB.id(), Convert.toAvro(LAB), 3, POINTS.length, model, Instant.EPOCH));
  }

  @AfterAll
  static void stop() {
    service.close();
    driver.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void shouldCheckTheModelAgainstEveryMeasuredPointAndCountThoseInsideItsInterval()
      throws Exception {
    JsonNode c = json("/api/v1/calibration/" + LAB.id());

    assertEquals(3, c.get("modelVersion").asLong());
    assertEquals("in-sample", c.get("scope").asText());
    assertEquals(LatencyPrediction.LEVEL, c.get("interval").asDouble());
    assertEquals(POINTS.length, c.get("n").asInt());
    int inside = 0;
    for (JsonNode pair : c.get("pairs")) {
      LatencyPrediction expected =
          model.predict(byArch.get(pair.get("archId").asText()), Phase.PREFILL, 256);
      assertEquals(expected.latencyMs(), pair.get("predictedMs").asDouble(), TOLERANCE_MS);
      assertEquals(expected.lowMs(), pair.get("low").asDouble(), TOLERANCE_MS);
      assertEquals(expected.highMs(), pair.get("high").asDouble(), TOLERANCE_MS);
      double measured = pair.get("measuredMs").asDouble();
      boolean in = measured >= expected.lowMs() && measured <= expected.highMs();
      assertEquals(in, pair.get("inside").asBoolean());
      inside += in ? 1 : 0;
    }
    assertEquals(inside, c.get("inside").asInt());
    assertEquals((double) inside / POINTS.length, c.get("coverage").asDouble(), 1e-12);
    assertEquals(inside, c.get("phases").get("PREFILL").get("inside").asInt());
  }

  @Test
  void shouldAnswer404ForATargetWithoutModelOrFrontier() throws Exception {
    assertEquals(404, get("/api/v1/calibration/nope/rt").statusCode());
    assertEquals(404, get("/api/v1/history/nope/rt").statusCode());
  }

  @Test
  void shouldListTheHistoryOfEveryObjectiveOfTheTarget() throws Exception {
    JsonNode h = json("/api/v1/history/" + LAB.id());

    assertEquals(1, h.size());
    assertEquals("PREFILL@256", h.get(0).get("objective").asText());
    JsonNode sample = h.get(0).get("samples").get(0);
    assertEquals(7, sample.get("version").asLong());
    assertEquals("1970-01-01T00:00:00Z", sample.get("at").asText());
    assertEquals(4, sample.get("points").asInt());
  }

  @Test
  void shouldListTheProgressOfATargetWithAModelButNoRequests() throws Exception {
    JsonNode p = json("/api/v1/progress");

    assertEquals(1, p.size());
    assertEquals(LAB.id(), p.get(0).get("target").asText());
    assertEquals(0, p.get(0).get("requested").asInt());
    assertEquals(POINTS.length, p.get(0).get("measurements").asInt());
    assertEquals(true, p.get(0).get("agentLag").isNull(), "no broker: unknown");
  }
}
