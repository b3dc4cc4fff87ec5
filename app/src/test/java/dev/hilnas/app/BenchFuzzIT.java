package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.cli.CliRun;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.schemas.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `hilnas bench fuzz` against the embedded stack that `serve` runs. */
class BenchFuzzIT {

  @TempDir Path dir;

  @Test
  void theStackAnswersHostileInputOnEveryPathWithoutAFailureAndCountsTheValidRecordsOnce()
      throws Exception {
    Devices.Added device = new Devices(List.of()).add("fuzz", Set.of("fuzz/ingest"));
    Path devices = dir.resolve("devices.json");
    device.devices().write(devices);
    try (Stack stack = TestStacks.start(dir.resolve("data"), device.devices())) {
      CliRun run =
          CliRun.of(
              "bench",
              "fuzz",
              "--cases",
              "200",
              "--json",
              "--url",
              stack.httpUrl(),
              "--bootstrap",
              stack.bootstrapServers(),
              "--token",
              device.token(),
              "--devices",
              devices.toString());

      String[] lines = run.out().split("\n");
      JsonNode report = Json.MAPPER.readTree(lines[lines.length - 1]);
      assertEquals(0, run.exit(), run.out() + "\n" + run.err());
      assertEquals(0, report.get("serverErrors").asLong());
      assertEquals(0, report.get("jobRestarts").asLong(), "the job's restarts are exported");
      assertEquals(0, report.get("streamsErrors").asLong(), "so are the Streams errors");
      assertTrue(report.get("validCountedOnce").asBoolean());
      assertTrue(report.get("healthy").asBoolean());
      List<String> paths = new ArrayList<>();
      report.get("paths").fieldNames().forEachRemaining(paths::add);
      assertEquals(
          List.of(
              "import-jsonl",
              "import-csv",
              "http-ingest",
              "topic-measurements",
              "topic-quality",
              "topic-candidates",
              "http-get",
              "http-predict",
              "candidate-files"),
          paths);
      report
          .get("paths")
          .forEach(
              path -> {
                assertEquals(200, path.get("cases").asLong(), path.toString());
                assertTrue(path.get("rejected").asLong() > 0, "hostile cases refused: " + path);
                assertEquals(20, path.get("valid").get("accepted").asLong(), path.toString());
              });
      JsonNode counted = report.get("paths").get("topic-measurements").get("valid");
      assertEquals(20, counted.get("counted").asLong(), "each valid record counted once");
    }
  }
}
