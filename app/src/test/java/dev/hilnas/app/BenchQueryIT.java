package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.cli.HilnasCommand;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `hilnas bench query` on a small scale: against its own stack, and against a deployment's query
 * service running elsewhere; subscribers stay connected and every kind of request is answered.
 */
class BenchQueryIT {

  @Test
  void shouldAnswerEveryKindOfRequestWhileTheSubscribersStayConnected() throws Exception {
    JsonNode report = benchQuery();

    assertEquals("embedded", report.get("queryService").asText());
    assertAnsweredAndConnected(report);
    report.get("httpFrontThreads").forEach(n -> assertTrue(n.asDouble() > 0, n.toString()));
  }

  @Test
  void shouldMeasureAQueryServiceRunningElsewhereAndReadItsJvmFromItsMetrics(@TempDir Path dir)
      throws Exception {
    try (Stack deployment = TestStacks.start(dir, null)) {
      JsonNode report =
          benchQuery("--url", deployment.httpUrl(), "--bootstrap", deployment.bootstrapServers());

      assertEquals(deployment.httpUrl(), report.get("queryService").asText());
      assertAnsweredAndConnected(report);
      report.get("heapUsedMb").forEach(n -> assertTrue(n.asDouble() > 0, n.toString()));
      report.get("liveThreads").forEach(n -> assertTrue(n.asDouble() > 0, n.toString()));
      report
          .get("httpFrontThreads")
          .forEach(n -> assertTrue(n.isNull(), "unknown for another process: " + n));
    }
  }

  /** A small run, two repetitions, its JSON report. */
  private static JsonNode benchQuery(String... more) throws Exception {
    CommandLine cli = HilnasCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "query",
                "--clients",
                "4",
                "--subscribers",
                "30",
                "--targets",
                "2",
                "--candidates",
                "12",
                "--duration",
                "2s",
                "--warm-up",
                "1s",
                "--repeat",
                "2",
                "--json"));
    args.addAll(List.of(more));

    int exit = cli.execute(args.toArray(String[]::new));

    assertEquals(0, exit, out + "\n" + err);
    String[] lines = out.toString().split("\n");
    return Json.MAPPER.readTree(lines[lines.length - 1]);
  }

  private static void assertAnsweredAndConnected(JsonNode report) {
    List<String> kinds = new ArrayList<>();
    for (JsonNode kind : report.get("kinds")) {
      kinds.add(kind.get("kind").asText());
      assertEquals(0, kind.get("errors").asLong(), kind.toString());
      assertTrue(kind.get("requestsPerSecond").asDouble() > 0, kind.toString());
      assertEquals(2, kind.get("runs").get("p99Ms").size(), "one figure per repetition");
    }
    assertEquals(
        List.of("GET /healthz (floor)", "GET frontier", "GET model", "POST predict"), kinds);
    JsonNode subscribers = report.get("subscribers");
    assertEquals(30, subscribers.get("connected").asInt());
    assertEquals(0, subscribers.get("refused").asInt());
    assertEquals(0, subscribers.get("droppedForFallingBehind").asInt());
    assertEquals(2, report.get("liveThreads").size());
  }
}
