package dev.hilnas.sinks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
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
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

class FrontierStreamTest {

  private static final Objective PREFILL_256 = Objective.parse("PREFILL@256");

  private static FrontierUpdate update(String target, long version) {
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    Candidate c =
        Candidate.builder()
            .layers(2)
            .dModel(128)
            .heads(2, 1)
            .headDim(64)
            .ffnDim(256)
            .vocabSize(8000)
            .build();
    frontiers.add(new Quality("c", c, Quality.PERPLEXITY, 20, null, null));
    frontiers.addMeasured(c.archId(), PREFILL_256, 10);
    return FrontierUpdates.of(
        target, frontiers, PREFILL_256, version, new ReferencePoint(20, 40), Instant.EPOCH);
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpRequest subscription(TestServices.Server service, String query) {
    return HttpRequest.newBuilder(
            URI.create("http://localhost:" + service.port() + "/api/v1/stream/frontiers" + query))
        .build();
  }

  /** A subscriber that has seen its stream open. */
  private static HttpResponse<Stream<String>> subscribe(TestServices.Server service, String query)
      throws Exception {
    HttpResponse<Stream<String>> response =
        HTTP.send(subscription(service, query), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, response.statusCode());
    assertEquals(": connected", response.body().iterator().next());
    return response;
  }

  @Test
  void shouldAnswer503ToTheSubscriberBeyondTheCapUntilAPlaceIsFree() throws Exception {
    try (TopologyTestDriver driver =
            new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
        TestServices.Server service = TestServices.over(driver, 2, 2)) {
      HttpResponse<Stream<String>> first = subscribe(service, "?target=a/x");
      HttpResponse<Stream<String>> second = subscribe(service, "?target=b/y");

      HttpResponse<String> third =
          HTTP.send(subscription(service, ""), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, third.statusCode());
      assertEquals(
          "the frontier stream has its 2 subscribers; retry later",
          Json.MAPPER.readTree(third.body()).get("error").asText());

      first.body().close(); // the server notices at its next write to it
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      HttpResponse<Stream<String>> again = null;
      while (again == null && System.nanoTime() < deadline) {
        service.frontierStream().publish(update("a/x", 1));
        HttpResponse<Stream<String>> attempt =
            HTTP.send(subscription(service, ""), HttpResponse.BodyHandlers.ofLines());
        if (attempt.statusCode() == 200) {
          again = attempt;
        } else {
          attempt.body().close();
          Thread.sleep(100);
        }
      }
      assertNotNull(again, "the place the first subscriber left is free again");
      again.body().close();
      second.body().close();
    }
  }

  @Test
  void shouldKeepAnsweringQueriesWhileSubscribersStayConnected() throws Exception {
    try (TopologyTestDriver driver =
            new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
        TestServices.Server service = TestServices.over(driver, 1, 3)) {
      List<HttpResponse<Stream<String>>> subscribers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        subscribers.add(subscribe(service, ""));
      }

      HttpResponse<String> targets =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + service.port() + "/api/v1/targets"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertEquals(200, targets.statusCode(), "the server's one thread is not a subscriber's");
      assertEquals(3, service.frontierStream().subscribers());
      for (HttpResponse<Stream<String>> s : subscribers) {
        s.body().close();
      }
    }
  }

  @Test
  void shouldPushTheUpdatesASubscriberAskedForAsServerSentEvents() throws Exception {
    try (TopologyTestDriver driver =
            new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
        TestServices.Server service = TestServices.over(driver)) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://localhost:" + service.port() + "/api/v1/stream/frontiers?target=a/x"))
              .build();
      HttpResponse<java.util.stream.Stream<String>> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
      assertEquals(
          "text/event-stream; charset=utf-8",
          response.headers().firstValue("Content-Type").orElseThrow());
      Iterator<String> lines = response.body().iterator();
      assertEquals(": connected", lines.next(), "subscribed before anything is published");
      assertEquals("", lines.next(), "an event ends with a blank line");

      service.frontierStream().publish(update("b/y", 1)); // another target: filtered out
      service.frontierStream().publish(update("a/x", 2));

      assertEquals("event: frontier", lines.next());
      String data = lines.next();
      var json = Json.MAPPER.readTree(data.substring("data: ".length()));
      assertEquals("a/x", json.get("target").asText());
      assertEquals(2, json.get("version").asLong());
      assertEquals(1, service.frontierStream().subscribers());
      response.body().close();
    }
  }
}
