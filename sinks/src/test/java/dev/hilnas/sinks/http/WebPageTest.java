package dev.hilnas.sinks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.schemas.json.Json;
import dev.hilnas.sinks.TestServices;
import dev.hilnas.sinks.state.Materializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page and its files, and the root that every unknown path ends at. */
class WebPageTest {

  static TopologyTestDriver driver;
  static TestServices.Server service;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    driver = new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
    service = TestServices.over(driver);
  }

  @AfterAll
  static void stop() {
    service.close();
    driver.close();
  }

  static HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeThePageAndItsScriptAndStyle() throws Exception {
    HttpResponse<String> page = send("GET", "/");
    assertEquals(200, page.statusCode());
    assertEquals(
        "text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(page.body().contains("/static/app.js"), page.body());
    assertEquals(page.body(), send("GET", "/index.html").body());
    assertEquals(
        "text/javascript; charset=utf-8",
        send("GET", "/static/app.js").headers().firstValue("Content-Type").orElseThrow());
    assertEquals(200, send("GET", "/static/style.css").statusCode());
  }

  @Test
  void shouldAnswer404ToAnUnknownPathWhateverTheMethod() throws Exception {
    for (String method : new String[] {"GET", "POST", "DELETE"}) {
      HttpResponse<String> response = send(method, "/nope");
      assertEquals(404, response.statusCode(), method);
      assertEquals(
          "nothing at /nope; the API's routes start /api/v1/targets, /api/v1/models/, /api/v1/frontiers/, ...",
          Json.MAPPER.readTree(response.body()).get("error").asText());
    }
    assertEquals(404, send("GET", "/static/nope.js").statusCode());
    assertEquals(404, send("POST", "/api/v1/targets/x").statusCode());
  }

  @Test
  void shouldAnswer405ToAPostToThePage() throws Exception {
    HttpResponse<String> response = send("POST", "/");

    assertEquals(405, response.statusCode());
    assertEquals("GET", response.headers().firstValue("Allow").orElseThrow());
  }
}
