package dev.hilnas.sinks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.LatencyModelSnapshot;
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
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The model API over the real topology (TopologyTestDriver) and the real HTTP server. */
class ModelApiTest {

  static final HardwareTarget PIXEL = new HardwareTarget("pixel8-cpu", "executorch-xnnpack");
  static final String CANDIDATE =
      "{\"layers\":6,\"dModel\":512,\"nHeads\":8,\"nKvHeads\":2,\"headDim\":64,\"ffnDim\":1536,"
          + "\"vocabSize\":32000,\"attention\":\"GGLSLG\",\"window\":512}";

  /** A target whose model a newer job wrote, in a format this version does not read. */
  static final HardwareTarget NEWER = new HardwareTarget("x86-newer-job", "java-cpu");

  static TopologyTestDriver driver;
  static TestServices.Server service;
  static AdditiveLatencyModel model;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    driver = new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
    TestInputTopic<String, LatencyModelSnapshot> topic =
        driver.createInputTopic(
            Topics.LATENCY_MODELS.name(),
            Topics.LATENCY_MODELS.keySerde().serializer(),
            Topics.LATENCY_MODELS.valueSerde().serializer());
    model = LatencyModelTrainer.fit(decodeOnly(12)).orElseThrow();
    LatencyModelSnapshot older = snapshot(1, LatencyModelTrainer.fit(decodeOnly(3)).orElseThrow());
    topic.pipeInput(PIXEL.id(), older);
    topic.pipeInput(PIXEL.id(), snapshot(2, model));
    topic.pipeInput(NEWER.id(), fromANewerJob());
    service = TestServices.over(driver);
  }

  @AfterAll
  static void stop() {
    service.close();
    driver.close();
  }

  /** DECODE latency that grows with depth and width, as on a device. */
  static List<Measurement> decodeOnly(int count) {
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int layers = 2 + i % 6;
      int d = 256 + 64 * (i % 4);
      Candidate c =
          Candidate.builder()
              .layers(layers)
              .dModel(d)
              .heads(4, 2)
              .headDim(64)
              .ffnDim(3 * d)
              .vocabSize(8000)
              .build();
      double ms = 0.2 + layers * d * 0.002;
      out.add(Measurement.of("c" + i, c, PIXEL, Phase.DECODE, 512, ms, List.of()));
    }
    return out;
  }

  static LatencyModelSnapshot snapshot(long version, AdditiveLatencyModel m) {
    return ModelSnapshots.of(
        PIXEL.id(), Convert.toAvro(PIXEL), version, 12, m, Instant.parse("2026-11-23T12:00:00Z"));
  }

  static LatencyModelSnapshot fromANewerJob() {
    LatencyModelSnapshot s =
        ModelSnapshots.of(
            NEWER.id(), Convert.toAvro(NEWER), 1, 12, model, Instant.parse("2026-12-01T00:00:00Z"));
    s.setState(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 99, 0, 0, 0, 11}));
    return s;
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void shouldListEachTargetWithItsLatestModelVersion() throws Exception {
    HttpResponse<String> response = get("/api/v1/targets");

    assertEquals(200, response.statusCode());
    JsonNode targets = json(response);
    assertEquals(2, targets.size(), "a model this version cannot read does not hide the others");
    assertEquals("pixel8-cpu/executorch-xnnpack", targets.get(0).get("target").asText());
    assertEquals(2, targets.get(0).get("version").asLong(), "the newer snapshot wins");
    assertEquals(12, targets.get(0).get("measurements").asLong());
  }

  @Test
  void shouldServeAModelWithItsPricesAndCrossValidation() throws Exception {
    HttpResponse<String> response = get("/api/v1/models/pixel8-cpu/executorch-xnnpack");

    assertEquals(200, response.statusCode());
    JsonNode decode = json(response).get("phases").get("DECODE");
    assertEquals(12, decode.get("observations").asInt());
    assertEquals(model.prices().get(7), decode.get("prices").get("weightMB").asDouble());
    assertTrue(decode.get("cv").get("n").asInt() > 0);
    assertTrue(
        json(response).get("phases").get("PREFILL") == null, "no PREFILL data, no PREFILL model");
  }

  @Test
  void shouldAnswer404ForAnUnknownTarget() throws Exception {
    HttpResponse<String> response = get("/api/v1/models/nope/nothing");

    assertEquals(404, response.statusCode());
    assertEquals(
        "no latency model for target 'nope/nothing'", json(response).get("error").asText());
  }

  @Test
  void shouldAnswer400ForWhatIsNoTargetId() throws Exception {
    HttpResponse<String> response = get("/api/v1/models/onlyone");

    assertEquals(400, response.statusCode(), "as predict answers it");
    assertEquals(
        "target must look like hardware/runtime[/precision], e.g. pixel8-cpu/executorch-xnnpack,"
            + " got 'onlyone'",
        json(response).get("error").asText());
  }

  @Test
  void shouldPredictWhatTheModelPredictsWithItsVersion() throws Exception {
    String body =
        "{\"target\":\"pixel8-cpu/executorch-xnnpack\",\"phase\":\"DECODE\",\"contextLength\":2048,"
            + "\"candidate\":"
            + CANDIDATE
            + "}";

    HttpResponse<String> response = post("/api/v1/predict", body);

    assertEquals(200, response.statusCode(), response.body());
    JsonNode p = json(response);
    Candidate c =
        Candidate.builder()
            .layers(6)
            .dModel(512)
            .heads(8, 2)
            .headDim(64)
            .ffnDim(1536)
            .vocabSize(32000)
            .attention("GGLSLG")
            .window(512)
            .build();
    assertEquals(model.predictMs(c, Phase.DECODE, 2048), p.get("latencyMs").asDouble());
    assertEquals(c.archId(), p.get("archId").asText());
    assertEquals(2, p.get("modelVersion").asLong());
    assertTrue(p.get("low").asDouble() <= p.get("latencyMs").asDouble());
    assertTrue(p.get("high").asDouble() >= p.get("latencyMs").asDouble());
  }

  @Test
  void shouldAnswer503SayingWhyForAModelThisVersionCannotRead() throws Exception {
    String predict =
        "{\"hardware\":\"x86-newer-job\",\"runtime\":\"java-cpu\",\"phase\":\"DECODE\","
            + "\"contextLength\":128,\"candidate\":"
            + CANDIDATE
            + "}";

    for (HttpResponse<String> response :
        List.of(
            get("/api/v1/models/x86-newer-job/java-cpu"),
            post("/api/v1/predict", predict),
            get("/api/v1/models/x86-newer-job/java-cpu"))) {
      assertEquals(503, response.statusCode(), response.body());
      assertEquals(
          "the latency model of target 'x86-newer-job/java-cpu' (version 1) cannot be read by this"
              + " version of the query service: latency model state has format 99, this version"
              + " reads 3 to 5",
          json(response).get("error").asText());
    }
  }

  @Test
  void shouldPredictAListAndNameTheBadElement() throws Exception {
    String good =
        "{\"hardware\":\"pixel8-cpu\",\"runtime\":\"executorch-xnnpack\",\"phase\":\"DECODE\","
            + "\"contextLength\":128,\"candidate\":"
            + CANDIDATE
            + "}";
    HttpResponse<String> ok = post("/api/v1/predict", "[" + good + "," + good + "]");
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(2, json(ok).size());

    String bad = good.replace("\"dModel\":512", "\"dModel\":500");
    HttpResponse<String> rejected = post("/api/v1/predict", "[" + good + "," + bad + "]");
    assertEquals(400, rejected.statusCode());
    assertEquals(
        "[1]: candidate: dModel (500) must be a multiple of headDim (64)",
        json(rejected).get("error").asText());
  }

  @Test
  void shouldRejectBadBodiesWithA400AndAMessage() throws Exception {
    assertEquals(400, post("/api/v1/predict", "{not json").statusCode());
    HttpResponse<String> phase =
        post(
            "/api/v1/predict",
            "{\"target\":\"pixel8-cpu/executorch-xnnpack\",\"phase\":\"WARMUP\"}");
    assertEquals(400, phase.statusCode());
    assertEquals(
        "phase must be PREFILL or DECODE, got 'WARMUP'", json(phase).get("error").asText());
    HttpResponse<String> target =
        post("/api/v1/predict", "{\"target\":\"pixel8-cpu\",\"phase\":\"DECODE\"}");
    assertEquals(400, target.statusCode());
    assertEquals(
        "target must look like hardware/runtime[/precision], e.g. pixel8-cpu/executorch-xnnpack, got 'pixel8-cpu'",
        json(target).get("error").asText());
    HttpResponse<String> empty = post("/api/v1/predict", "");
    assertEquals(400, empty.statusCode());
    HttpResponse<String> none = post("/api/v1/predict", "{}");
    assertEquals(400, none.statusCode());
    assertEquals(
        "target is required, e.g. \"target\": \"pixel8-cpu/executorch-xnnpack\"",
        json(none).get("error").asText(),
        "not the name of a field of its other form");
  }

  @Test
  void shouldRejectARequestBeyondTheLimitsWithA400AndTheReason() throws Exception {
    String request =
        "{\"target\":\"pixel8-cpu/executorch-xnnpack\",\"phase\":\"DECODE\",\"contextLength\":2048,"
            + "\"candidate\":"
            + CANDIDATE
            + "}";
    HttpResponse<String> layers =
        post("/api/v1/predict", request.replace("\"layers\":6", "\"layers\":5000"));
    assertEquals(400, layers.statusCode());
    assertEquals(
        "candidate: layers must be at most 1024, got 5000", json(layers).get("error").asText());
    HttpResponse<String> context = post("/api/v1/predict", request.replace("2048", "2000000"));
    assertEquals(400, context.statusCode());
    assertEquals(
        "contextLength must be in 1..1048576, got 2000000", json(context).get("error").asText());
  }

  @Test
  void shouldAnswer404ForAPhaseTheTargetHasNoModelFor() throws Exception {
    String body =
        "{\"target\":\"pixel8-cpu/executorch-xnnpack\",\"phase\":\"PREFILL\",\"contextLength\":128,"
            + "\"candidate\":"
            + CANDIDATE
            + "}";
    HttpResponse<String> response = post("/api/v1/predict", body);
    assertEquals(404, response.statusCode());
    assertEquals(
        "target 'pixel8-cpu/executorch-xnnpack' has no PREFILL model yet",
        json(response).get("error").asText());
  }

  @Test
  void shouldAnswer415ToAFormPost() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + service.port() + "/api/v1/predict"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("target=pixel8-cpu"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(415, response.statusCode());
    assertEquals(
        "Content-Type must be application/json or application/x-ndjson,"
            + " got 'application/x-www-form-urlencoded'",
        json(response).get("error").asText());
  }

  @Test
  void shouldRefuseTheWrongMethod() throws Exception {
    assertEquals(405, get("/api/v1/predict").statusCode());
    assertEquals(405, post("/api/v1/targets", "{}").statusCode());
  }
}
