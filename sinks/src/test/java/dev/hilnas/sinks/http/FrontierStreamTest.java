package dev.hilnas.sinks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

  /** An update whose frontier has {@code points} candidates: about 400 bytes of JSON each. */
  private static FrontierUpdate bigUpdate(String target, long version, int points) {
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    for (int i = 0; i < points; i++) {
      Candidate c =
          Candidate.builder()
              .layers(2)
              .dModel(128)
              .heads(2, 1)
              .headDim(64)
              .ffnDim(256 + 64 * i)
              .vocabSize(8000)
              .build();
      frontiers.add(new Quality("c" + i, c, Quality.PERPLEXITY, 30 - 0.01 * i, null, null));
      frontiers.addMeasured(c.archId(), PREFILL_256, 10 + i);
    }
    return FrontierUpdates.of(
        target, frontiers, PREFILL_256, version, new ReferencePoint(1000, 40), Instant.EPOCH);
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A subscriber on a plain socket, so the test itself starts no thread per subscriber. */
  private static Socket rawSubscriber(TestServices.Server service, int receiveBuffer)
      throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer); // before connecting: it bounds the TCP window
    }
    socket.connect(new InetSocketAddress("localhost", service.port()));
    socket.setSoTimeout(30_000);
    socket
        .getOutputStream()
        .write(
            "GET /api/v1/stream/frontiers HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  /** Reads a socket until what it has read contains {@code text}. */
  private static void readUntil(Socket socket, String text) throws IOException {
    StringBuilder seen = new StringBuilder();
    byte[] buffer = new byte[8192];
    while (seen.indexOf(text) < 0) {
      int n = socket.getInputStream().read(buffer);
      assertTrue(n > 0, "the stream ended before " + text);
      seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix))
        .count();
  }

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
  void shouldServeManySubscribersWithItsFixedSetOfWriterThreads() throws Exception {
    int subscribers = 200;
    try (TopologyTestDriver driver =
            new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
        TestServices.Server service = TestServices.over(driver, 2, subscribers, 2)) {
      int threadsBefore = Thread.activeCount();
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < subscribers; i++) {
          Socket s = rawSubscriber(service, 0);
          sockets.add(s);
          readUntil(s, ": connected");
        }
        service.frontierStream().publish(update("a/x", 1));
        for (Socket s : sockets) {
          readUntil(s, "event: frontier");
        }

        assertEquals(subscribers, service.frontierStream().subscribers());
        assertEquals(2, threadsNamed("frontier-stream-"), "two writers for all subscribers");
        int grown = Thread.activeCount() - threadsBefore;
        assertTrue(grown < 10, subscribers + " subscribers, yet " + grown + " more threads");
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  @Test
  void shouldDropASubscriberThatStopsReadingWhileTheOthersReceiveEveryUpdate() throws Exception {
    try (TopologyTestDriver driver =
            new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
        TestServices.Server service = TestServices.over(driver, 1, 4, 2);
        Socket stalled = rawSubscriber(service, 4096)) {
      readUntil(stalled, ": connected"); // then it reads nothing more
      HttpResponse<Stream<String>> reader =
          HTTP.send(subscription(service, ""), HttpResponse.BodyHandlers.ofLines());
      Iterator<String> lines = reader.body().iterator();
      assertEquals(": connected", lines.next());
      assertEquals("", lines.next());

      // each update about 40 KB: the stalled socket's buffers fill, then its backlog
      int published = 0;
      while (service.frontierStream().fellBehind() == 0 && published < 5000) {
        published++;
        service.frontierStream().publish(bigUpdate("a/x", published, 100));
        assertEquals("event: frontier", lines.next());
        var json = Json.MAPPER.readTree(lines.next().substring("data: ".length()));
        assertEquals(published, json.get("version").asLong(), "every update, in order");
        assertEquals("", lines.next());
      }

      assertEquals(1, service.frontierStream().fellBehind(), "after " + published + " updates");
      assertTrue(published > FrontierStream.BACKLOG, "dropped only once its backlog was full");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (service.frontierStream().subscribers() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, service.frontierStream().subscribers(), "its place is free again");
      byte[] buffer = new byte[1 << 16];
      try {
        while (stalled.getInputStream().read(buffer) >= 0) {
          // what reached its buffers before the drop, then the end of the connection
        }
      } catch (SocketException reset) {
        // closed with data it never read: a reset is the end too
      }
      service.frontierStream().publish(update("a/x", published + 1));
      assertEquals("event: frontier", lines.next(), "the others are still served");
      reader.body().close();
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
