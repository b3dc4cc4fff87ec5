package dev.hilnas.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.Topic;
import dev.hilnas.schemas.Topics;
import dev.hilnas.sinks.state.Materializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live page in a real headless Chromium, against a running query service fed with test data: a
 * frontier with one very slow and one very poor candidate on it, a latency model fitted on the
 * candidates, two updates of history, and requests and a failed attempt for the search's progress.
 * Most pages are loaded with {@code live=0} (no event stream): headless Chromium's virtual clock
 * waits for open requests, and an event stream never ends; the stream itself is covered by {@code
 * FrontierStreamTest}. The polling tests load it without a stream that stays open: polling only,
 * and a stream refused because it is full. Runs wherever Chromium is installed; CI ({@code
 * .ci/run}) installs it, so there it always runs.
 */
class LivePageIT {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final String TARGET = "lab-phone/test";
  static final Objective PREFILL_256 = Objective.parse("PREFILL@256");

  /** {latency ms, perplexity}: six on the frontier (the first and last far out), two dominated. */
  static final double[][] POINTS = {
    {2, 205}, {10, 30}, {20, 20}, {40, 12}, {80, 10}, {300, 9.5}, {25, 28}, {60, 15}
  };

  static TopologyTestDriver driver;
  static TestServices.Server service;
  @TempDir static Path profile;

  @BeforeAll
  static void start() throws Exception {
    assumeChromium();
    driver = new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
    service = TestServices.over(driver, 2, 1);
    HardwareTarget target = new HardwareTarget("lab-phone", "test");
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    List<Measurement> measurements = new ArrayList<>();
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < POINTS.length + 2; i++) {
      candidates.add(
          Candidate.builder()
              .layers(2 + i)
              .dModel(128)
              .heads(2, 1)
              .headDim(64)
              .ffnDim(256)
              .vocabSize(8000)
              .build());
    }
    for (int i = 0; i < POINTS.length; i++) {
      Candidate c = candidates.get(i);
      frontiers.add(new Quality("c" + i, c, Quality.PERPLEXITY, POINTS[i][1], null, null));
      frontiers.addMeasured(c.archId(), PREFILL_256, POINTS[i][0]);
      measurements.add(
          Measurement.of("c" + i, c, target, Phase.PREFILL, 256, POINTS[i][0], List.of()));
      if (i == 3) { // history: the frontier as it was half-way
        FrontierUpdate early =
            FrontierUpdates.of(
                TARGET, frontiers, PREFILL_256, 1, new ReferencePoint(400, 250), Instant.EPOCH);
        service.query().frontierHistory().record(early);
      }
    }
    FrontierUpdate update =
        FrontierUpdates.of(
            TARGET,
            frontiers,
            PREFILL_256,
            2,
            new ReferencePoint(400, 250),
            Instant.EPOCH.plusSeconds(60));
    service.query().frontierHistory().record(update);
    pipe(Topics.FRONTIERS, FrontierUpdates.key(TARGET, PREFILL_256), update);
    pipe(
        Topics.LATENCY_MODELS,
        TARGET,
        ModelSnapshots.of(
            TARGET,
            Convert.toAvro(target),
            3,
            measurements.size(),
            LatencyModelTrainer.fit(measurements).orElseThrow(),
            Instant.EPOCH));
    // progress: c0..c2 measured, c8 pending (requested for every target), c9 failed once
    for (int i : new int[] {0, 1, 2, 9}) {
      pipe(Topics.CANDIDATES, "k", request(candidates.get(i), List.of(TARGET)));
    }
    pipe(Topics.CANDIDATES, "k", request(candidates.get(8), List.of()));
    byte[] failed =
        Topics.CANDIDATES
            .valueSerde()
            .serializer()
            .serialize("", request(candidates.get(9), List.of(TARGET)));
    pipe(
        Topics.DLQ,
        Topics.CANDIDATES.name(),
        DeadLetter.newBuilder()
            .setSourceTopic(Topics.CANDIDATES.name())
            .setValue(ByteBuffer.wrap(failed))
            .setReason("the runner crashed")
            .setComponent("agent:a1")
            .setFailedAt(Instant.EPOCH)
            .setTargetId(TARGET)
            .build());
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
      driver.close();
    }
  }

  @Test
  void shouldZoomToTheFrontierAndMarkTheOutliersAtTheEdge() throws Exception {
    String dom = page("&live=0");

    assertEquals(4, count(dom, "<circle class=\"frontier-point\""), dom);
    assertEquals(2, count(dom, "<polygon class=\"frontier-point clipped\""), "205 and 300 ms");
    assertEquals(2, count(dom, "<circle class=\"evaluated-point\""));
    assertTrue(dom.contains("2 points lie outside the zoomed view"), "the plot's caption");
    assertTrue(dom.contains("6 on the frontier of 8 evaluated"), "the status line");
  }

  @Test
  void shouldShowEveryPointWithoutZoomAndOnALogScale() throws Exception {
    String dom = page("&live=0&zoom=0&log=1");

    assertEquals(6, count(dom, "<circle class=\"frontier-point\""), dom);
    assertEquals(0, count(dom, " clipped\""));
    assertTrue(dom.contains("latency (ms) (log)"), "the axis says it is logarithmic");
    assertTrue(dom.contains("Every point is in view."));
  }

  @Test
  void shouldTabulateTheFrontierFastestFirstWithDownloads() throws Exception {
    String dom = page("&live=0");

    List<String> latencies = new ArrayList<>();
    Matcher rows =
        Pattern.compile("<tr class=\"measured\"><td>\\d+</td><th scope=\"row\"[^>]*>.*?</tr>")
            .matcher(dom);
    while (rows.find()) {
      Matcher cells = Pattern.compile("<td class=\"num\">([^<]*)</td>").matcher(rows.group());
      cells.find(); // parameters
      cells.find();
      latencies.add(cells.group(1));
    }
    assertEquals(List.of("2.00", "10.00", "20.00", "40.00", "80.00", "300.00"), latencies, dom);
    assertTrue(dom.contains("download=\"frontier-lab_phone_test-PREFILL_256.csv\""), dom);
    assertTrue(dom.contains("download=\"frontier-lab_phone_test-PREFILL_256.json\""));
  }

  @Test
  void shouldShowTheModelCardWithItsCoverageOfTheMeasuredPoints() throws Exception {
    String dom = page("&live=0");

    assertTrue(dom.contains("<dd>8</dd>"), "measurements: " + dom);
    assertEquals(8, count(dom, "<g class=\"pvm-point"), "one per measured frontier point");
    Matcher coverage =
        Pattern.compile("Interval coverage: (\\d+) of 8 measured frontier points").matcher(dom);
    assertTrue(coverage.find(), dom);
    assertEquals(
        8 - Integer.parseInt(coverage.group(1)),
        count(dom, "<g class=\"pvm-point outside\""),
        "the points outside the interval are marked");
    assertTrue(dom.contains("In-sample"), "says what the coverage is");
  }

  @Test
  void shouldDrawHypervolumeOverTimeAndTheSearchsProgress() throws Exception {
    String dom = page("&live=0");

    assertEquals(2, count(dom, "<circle class=\"hv-point\""), dom);
    assertTrue(dom.contains("over 2 updates"));
    // target, requested, pending, measured, failed, requests, failed attempts, measurements, lag
    assertTrue(
        dom.contains(
            "<tr class=\"current\"><th scope=\"row\">lab-phone/test</th><td class=\"num\">5</td>"
                + "<td class=\"num\">1</td><td class=\"num\">3</td><td class=\"num\">1</td>"
                + "<td class=\"num\">5</td><td class=\"num\">1</td><td class=\"num\">8</td>"
                + "<td class=\"num\">—</td></tr>"),
        dom);
  }

  @Test
  void shouldPollTheJsonApiWhenAskedTo() throws Exception {
    String dom = page("&live=poll");

    assertTrue(dom.contains("polling every 5 s</span>"), dom);
    assertEquals(6, count(dom, "<tr class=\"measured\">"));
  }

  @Test
  void shouldFallBackToPollingWhenTheEventStreamIsRefused() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    // the service takes one subscriber: this one, so the page's stream gets 503
    HttpResponse<InputStream> subscriber =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + service.port() + "/api/v1/stream/frontiers"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream stream = subscriber.body()) {
      assertEquals(200, subscriber.statusCode());

      String dom = page("");

      assertTrue(dom.contains("polling every 5 s (the event stream failed)"), dom);
      assertEquals(6, count(dom, "<tr class=\"measured\">"));
    }
  }

  private static void assumeChromium() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) || System.getenv("CI") != null,
        "no Chromium here (apt-get install chromium); .ci/run installs it");
  }

  private static <V> void pipe(Topic<String, V> topic, String key, V value) {
    driver
        .createInputTopic(
            topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer())
        .pipeInput(key, value);
  }

  private static CandidateRequest request(Candidate c, List<String> targets) {
    return CandidateRequest.newBuilder()
        .setRequestId("r-" + c.archId())
        .setCandidate(Convert.toAvro(c))
        .setTargets(targets)
        .setReason("test")
        .setGeneration(0)
        .setRequestedAt(Instant.EPOCH)
        .build();
  }

  private String page(String query) throws IOException, InterruptedException {
    String url =
        "http://localhost:"
            + service.port()
            + "/?target="
            + TARGET
            + "&objective="
            + PREFILL_256
            + query;
    Path log = Files.createTempFile(profile, "chromium", ".log");
    Process chromium =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.resolve("p" + System.nanoTime()),
                "--virtual-time-budget=10000",
                "--enable-logging=stderr",
                "--dump-dom",
                url)
            .redirectError(log.toFile())
            .start();
    byte[] out = chromium.getInputStream().readAllBytes();
    if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
      chromium.destroyForcibly();
    }
    String dom = new String(out, StandardCharsets.UTF_8);
    // the page's console errors, to read when an assertion fails
    String errors =
        Files.readAllLines(log).stream()
            .filter(l -> l.contains("CONSOLE") || l.contains("Uncaught"))
            .reduce("", (a, b) -> a + b + "\n");
    return errors.isEmpty() ? dom : dom + "\n<!-- console:\n" + errors + "-->";
  }

  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
