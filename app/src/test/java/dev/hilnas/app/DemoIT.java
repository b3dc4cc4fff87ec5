package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.stack.Demo;
import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.core.Limits;
import dev.hilnas.core.search.SearchLoop;
import dev.hilnas.core.search.SearchSpace;
import dev.hilnas.llm.quality.Backbone;
import dev.hilnas.producers.search.SearchProducer;
import dev.hilnas.schemas.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `hilnas demo` end to end: search → agent + evaluator → Flink → frontier served over HTTP. */
class DemoIT {

  @TempDir Path dir;

  @Test
  void theLoopClosesCandidatesTheSearchRequestedAreMeasuredEvaluatedAndOnTheServedFrontier()
      throws Exception {
    SearchSpace space =
        SearchSpace.of(
            Backbone.shipped().architecture(), SearchSpace.Constraints.NONE, Limits.DEFAULTS);
    try (Demo demo =
        Demo.start(
            new Demo.Options(
                dir,
                0,
                0,
                HttpSettings.DEFAULTS,
                List.of("PREFILL@64", "DECODE@64"),
                256,
                capacity ->
                    new SearchProducer.Settings(
                        space,
                        "hilnas",
                        new SearchLoop.Settings(
                            capacity, 1, 2, Duration.ofMinutes(10), 3, Map.of(), List.of()),
                        Duration.ofSeconds(1),
                        1),
                Limits.DEFAULTS))) {
      URI uri =
          URI.create(
              "http://localhost:"
                  + demo.httpPort()
                  + "/api/v1/frontiers/"
                  + demo.target().id()
                  + "?objective=PREFILL@64");
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      List<JsonNode> measured = new ArrayList<>();
      while (measured.size() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(1000);
        HttpResponse<String> response =
            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        measured.clear();
        if (response.statusCode() == 200) {
          JsonNode frontier = Json.MAPPER.readTree(response.body());
          for (String list : List.of("points", "others")) {
            frontier
                .get(list)
                .forEach(
                    p -> {
                      if (p.get("latencySource").asText().equals("measured")) {
                        measured.add(p);
                      }
                    });
          }
        }
      }
      assertTrue(
          measured.size() >= 4,
          "measured and evaluated candidates on the frontier: "
              + measured.size()
              + "; "
              + demo.status());
      for (JsonNode p : measured) {
        assertTrue(p.get("quality").asDouble() > 1, "a perplexity from the evaluator: " + p);
        assertTrue(p.get("latencyMs").asDouble() > 0);
      }
      assertTrue(demo.status().startsWith("requested "), demo.status());
    }
  }
}
