package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.cli.HilnasCommand;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `hilnas bench query` on a small scale: its own stack, subscribers, and every kind answered. */
class BenchQueryIT {

  @Test
  void shouldAnswerEveryKindOfRequestWhileTheSubscribersStayConnected() throws Exception {
    CommandLine cli = HilnasCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int exit =
        cli.execute(
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
            "--json");

    assertEquals(0, exit, out + "\n" + err);
    String[] lines = out.toString().split("\n");
    JsonNode report = Json.MAPPER.readTree(lines[lines.length - 1]);
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
