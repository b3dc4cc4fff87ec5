package dev.hilnas.sinks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
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
import java.util.List;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The frontier API over the real topology (TopologyTestDriver) and the real HTTP server. */
class FrontierApiTest {

  static final HardwareTarget PIXEL = new HardwareTarget("pixel8-cpu", "executorch-xnnpack");
  static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  static TopologyTestDriver driver;
  static TestServices.Server service;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    driver = new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
    // three candidates, each faster and worse than the next: all on the frontier
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    int[][] shapes = {{2, 128}, {4, 256}, {8, 512}};
    double[] latency = {10, 20, 40};
    double[] perplexity = {30, 20, 12};
    for (int i = 0; i < 3; i++) {
      Candidate c =
          Candidate.builder()
              .layers(shapes[i][0])
              .dModel(shapes[i][1])
              .heads(2, 1)
              .headDim(64)
              .ffnDim(512)
              .vocabSize(8000)
              .build();
      frontiers.add(new Quality("c" + i, c, Quality.PERPLEXITY, perplexity[i], null, null));
      frontiers.addMeasured(c.archId(), PREFILL_256, latency[i]);
    }
    FrontierUpdate update =
        FrontierUpdates.of(
            PIXEL.id(), frontiers, PREFILL_256, 7, new ReferencePoint(50, 40), Instant.EPOCH);
    driver
        .createInputTopic(
            Topics.FRONTIERS.name(),
            Topics.FRONTIERS.keySerde().serializer(),
            Topics.FRONTIERS.valueSerde().serializer())
        .pipeInput(FrontierUpdates.key(PIXEL.id(), PREFILL_256), update);
    service = TestServices.over(driver);
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

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void shouldServeAFrontierWithItsPointsArchitecturesAndHypervolume() throws Exception {
    HttpResponse<String> response =
        get("/api/v1/frontiers/pixel8-cpu/executorch-xnnpack?objective=PREFILL@256");

    assertEquals(200, response.statusCode(), response.body());
    JsonNode f = json(response);
    assertEquals(7, f.get("version").asLong());
    assertEquals(3, f.get("points").size());
    assertEquals("c0", f.get("points").get(0).get("candidateId").asText(), "fastest first");
    assertEquals("measured", f.get("points").get(0).get("latencySource").asText());
    assertEquals("GG", f.get("points").get(0).get("candidate").get("attention").asText());
    // reference (50, 40): (20-10)*(40-30) + (40-20)*(40-20) + (50-40)*(40-12) = 100 + 400 + 280
    assertEquals(780, f.get("hypervolume").asDouble(), 1e-9);
  }

  /** A frontier of {@code points} candidates, published as {@code version} at {@code at}. */
  private static void publish(String target, long version, int points, Instant at) {
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    for (int i = 0; i < points; i++) {
      Candidate c =
          Candidate.builder()
              .layers(2 + i)
              .dModel(128)
              .heads(2, 1)
              .headDim(64)
              .ffnDim(512)
              .vocabSize(8000)
              .build();
      frontiers.add(new Quality("c" + i, c, Quality.PERPLEXITY, 30 - i, null, null));
      frontiers.addMeasured(c.archId(), PREFILL_256, 10 + i);
    }
    driver
        .createInputTopic(
            Topics.FRONTIERS.name(),
            Topics.FRONTIERS.keySerde().serializer(),
            Topics.FRONTIERS.valueSerde().serializer())
        .pipeInput(
            FrontierUpdates.key(target, PREFILL_256),
            FrontierUpdates.of(
                target, frontiers, PREFILL_256, version, new ReferencePoint(50, 40), at));
  }

  @Test
  void shouldAnswerTheNewFrontierOnceItChangesThoughItsJsonIsEncodedOncePerVersion()
      throws Exception {
    String path = "/api/v1/frontiers/cache-cpu/rt?objective=PREFILL@256";
    publish("cache-cpu/rt", 1, 1, Instant.EPOCH);
    assertEquals(1, json(get(path)).get("points").size());
    assertEquals(1, json(get(path)).get("points").size(), "the same version, the same answer");

    publish("cache-cpu/rt", 2, 2, Instant.EPOCH.plusSeconds(1));
    JsonNode second = json(get(path));
    assertEquals(2, second.get("version").asLong());
    assertEquals(2, second.get("points").size());
    assertEquals(2, json(get("/api/v1/frontiers/cache-cpu/rt")).get(0).get("points").size());

    // a job restarted from a checkpoint may number a different frontier as an earlier one
    publish("cache-cpu/rt", 2, 3, Instant.EPOCH.plusSeconds(2));
    assertEquals(3, json(get(path)).get("points").size());
  }

  @Test
  void shouldAnswerTheFrontierTheFeedHandedOverAndEachNewerOne() throws Exception {
    String path = "/api/v1/frontiers/feed-cpu/rt?objective=PREFILL@256";
    publish("feed-cpu/rt", 1, 1, Instant.EPOCH);
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    for (int v = 2; v <= 3; v++) {
      Candidate c =
          Candidate.builder()
              .layers(v)
              .dModel(128)
              .heads(2, 1)
              .headDim(64)
              .ffnDim(512)
              .vocabSize(8000)
              .build();
      frontiers.add(new Quality("f" + v, c, Quality.PERPLEXITY, 30 - v, null, null));
      frontiers.addMeasured(c.archId(), PREFILL_256, 10 + v);
      service
          .query()
          .frontierUpdated(
              FrontierUpdates.of(
                  "feed-cpu/rt",
                  frontiers,
                  PREFILL_256,
                  v,
                  new ReferencePoint(50, 40),
                  Instant.EPOCH.plusSeconds(v)));

      JsonNode f = json(get(path));
      assertEquals(v, f.get("version").asLong(), "the feed's, though the store has version 1");
      assertEquals(v - 1, f.get("points").size());
    }
  }

  @Test
  void shouldListEveryObjectiveOfATargetWithoutAnObjective() throws Exception {
    JsonNode all = json(get("/api/v1/frontiers/pixel8-cpu/executorch-xnnpack"));
    assertEquals(1, all.size());
    assertEquals("PREFILL@256", all.get(0).get("objective").asText());
  }

  @Test
  void shouldPickTheBestQualityWithinABudget() throws Exception {
    JsonNode best =
        json(
            get(
                "/api/v1/frontiers/pixel8-cpu/executorch-xnnpack/best?objective=PREFILL@256&maxLatencyMs=25"));
    assertEquals("c1", best.get("point").get("candidateId").asText());

    HttpResponse<String> none =
        get(
            "/api/v1/frontiers/pixel8-cpu/executorch-xnnpack/best?objective=PREFILL@256&maxLatencyMs=5");
    assertEquals(404, none.statusCode());
    assertEquals(
        "no frontier point of pixel8-cpu/executorch-xnnpack PREFILL@256 is within 5.0 ms",
        json(none).get("error").asText());
  }

  @Test
  void shouldAnswer400ForBadQueriesAnd404ForUnknownFrontiers() throws Exception {
    assertEquals(
        400, get("/api/v1/frontiers/pixel8-cpu/executorch-xnnpack?objective=SOON").statusCode());
    assertEquals(
        400,
        get("/api/v1/frontiers/pixel8-cpu/executorch-xnnpack/best?objective=PREFILL@256")
            .statusCode());
    assertEquals(
        404,
        get("/api/v1/frontiers/pixel8-cpu/executorch-xnnpack?objective=DECODE@512").statusCode());
    assertEquals(404, get("/api/v1/frontiers/nope/nothing").statusCode());
    assertEquals(400, get("/api/v1/frontiers/onlyone").statusCode(), "no target id");
    assertEquals(400, get("/api/v1/frontiers/onlyone/best?objective=DECODE@512").statusCode());
  }
}
