package dev.hilnas.app.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.bench.fuzz.FuzzBenchmark;
import dev.hilnas.app.bench.fuzz.PathReport;
import dev.hilnas.app.cli.CliRun;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `bench fuzz` without a stack: what it prints, and how it fails to start. */
class BenchFuzzCommandTest {

  @TempDir Path dir;

  static final FuzzBenchmark.Report REPORT =
      new FuzzBenchmark.Report(
          "fuzz-0123abcd",
          42,
          100,
          List.of(
              new PathReport(
                  "import-jsonl",
                  100,
                  30,
                  75,
                  Map.of("missing field '…'", 75L),
                  0,
                  0L,
                  0L,
                  new PathReport.Valid(10, 10, 10L, 10L),
                  null),
              new PathReport(
                  "http-get",
                  100,
                  20,
                  79,
                  Map.of("server error: 500: unexpected server error", 1L, "404: no model", 79L),
                  1,
                  0L,
                  2L,
                  new PathReport.Valid(10, 10, null, null),
                  null),
              new PathReport("http-ingest", 0, 0, 0, Map.of(), 0, null, null, null, "no --token")),
          true);

  @Test
  void shouldGiveEveryPathsFiguresUnderPathsAndTheirTotals() throws Exception {
    JsonNode json =
        Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(BenchFuzzCommand.json(REPORT)));

    JsonNode jsonl = json.get("paths").get("import-jsonl");
    for (String field :
        List.of(
            "cases",
            "accepted",
            "rejected",
            "reasons",
            "serverErrors",
            "jobRestarts",
            "streamsErrors",
            "valid")) {
      assertTrue(jsonl.has(field), field);
    }
    assertEquals(75, jsonl.get("reasons").get("missing field '…'").asLong());
    assertEquals(10, jsonl.get("valid").get("counted").asLong());
    assertTrue(jsonl.get("valid").get("countedOnce").asBoolean());
    assertTrue(json.get("paths").get("http-get").get("valid").get("counted").isNull());
    assertEquals("no --token", json.get("paths").get("http-ingest").get("skipped").asText());
    assertEquals(1, json.get("serverErrors").asLong());
    assertEquals(0, json.get("jobRestarts").asLong());
    assertEquals(2, json.get("streamsErrors").asLong());
    assertTrue(json.get("validCountedOnce").asBoolean());
    assertTrue(json.get("healthy").asBoolean());
  }

  @Test
  void shouldPrintAPathsLineItsReasonsAndWhereThereIsAProblem() {
    StringWriter out = new StringWriter();
    BenchFuzzCommand.print(REPORT, new PrintWriter(out));

    String[] lines = out.toString().split("\n");
    assertTrue(lines[1].startsWith("import-jsonl"), lines[1]);
    assertTrue(lines[1].endsWith("10, 10, 10 of 10"), lines[1]);
    assertTrue(lines[3].startsWith("http-get") && lines[3].endsWith("<- PROBLEM"), lines[3]);
    assertTrue(out.toString().contains("        1  server error: 500"), "with its reasons");
    assertTrue(out.toString().contains("http-ingest        skipped: no --token"));
    assertTrue(lines[lines.length - 1].startsWith("run fuzz-0123abcd: 1 server errors"));
  }

  @Test
  void shouldSaySoWhenNoStackAnswers() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }

    CliRun r = CliRun.of("bench", "fuzz", "--cases", "10", "--url", "http://localhost:" + port);

    assertEquals(1, r.exit());
    assertTrue(r.err().contains("no hilnas stack answers at http://localhost:" + port), r.err());
  }

  @Test
  void shouldRefuseATokenNoDeviceHasBeforeItStarts() throws Exception {
    Path devices = dir.resolve("devices.json");
    new Devices(List.of()).add("fuzz", Set.of("fuzz/ingest")).devices().write(devices);

    CliRun r = CliRun.of("bench", "fuzz", "--token", "hil_nobody", "--devices", devices.toString());

    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--token is no device's token in " + devices), r.err());
  }
}
