package dev.hilnas.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.Topics;
import dev.hilnas.sinks.state.Materializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live page in a real headless Chromium, against a running query service fed with test data:
 * the plot shows exactly the frontier's points, and the dominated ones apart. The page is loaded
 * with {@code live=0} (no event stream): headless Chromium's virtual clock waits for open requests,
 * and an event stream never ends; the stream itself is covered by {@code FrontierStreamTest}. Runs
 * wherever Chromium is installed; CI ({@code .ci/run}) installs it, so there it always runs.
 */
class LivePageIT {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Objective PREFILL_256 = Objective.parse("PREFILL@256");

  @TempDir Path profile;

  @Test
  void shouldPlotEveryFrontierPointAndTheDominatedOnesApart() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) || System.getenv("CI") != null,
        "no Chromium here (apt-get install chromium); .ci/run installs it");
    try (TopologyTestDriver driver =
            new TopologyTestDriver(Materializer.buildTopology(new SimpleMeterRegistry()));
        TestServices.Server service = TestServices.over(driver)) {
      // four candidates on the frontier, two dominated by them
      TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
      double[][] points = {{10, 30}, {20, 20}, {40, 12}, {80, 10}, {25, 28}, {60, 15}};
      for (int i = 0; i < points.length; i++) {
        Candidate c =
            Candidate.builder()
                .layers(2 + i)
                .dModel(128)
                .heads(2, 1)
                .headDim(64)
                .ffnDim(256)
                .vocabSize(8000)
                .build();
        frontiers.add(new Quality("c" + i, c, Quality.PERPLEXITY, points[i][1], null, null));
        frontiers.addMeasured(c.archId(), PREFILL_256, points[i][0]);
      }
      FrontierUpdate update =
          FrontierUpdates.of(
              "lab-phone/test",
              frontiers,
              PREFILL_256,
              1,
              new ReferencePoint(100, 40),
              Instant.EPOCH);
      driver
          .createInputTopic(
              Topics.FRONTIERS.name(),
              Topics.FRONTIERS.keySerde().serializer(),
              Topics.FRONTIERS.valueSerde().serializer())
          .pipeInput(FrontierUpdates.key("lab-phone/test", PREFILL_256), update);

      String dom =
          chromiumDom(
              "http://localhost:"
                  + service.port()
                  + "/?target=lab-phone/test&objective=PREFILL@256&live=0");

      assertEquals(4, count(dom, "class=\"frontier-point\""), dom);
      assertEquals(2, count(dom, "class=\"evaluated-point\""));
      assertTrue(dom.contains("4 on the frontier of 6 evaluated"), "the status line");
    }
  }

  private String chromiumDom(String url) throws IOException, InterruptedException {
    Process chromium =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=10000",
                "--dump-dom",
                url)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] out = chromium.getInputStream().readAllBytes();
    if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
      chromium.destroyForcibly();
    }
    return new String(out, StandardCharsets.UTF_8);
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
