package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.schemas.json.MeasurementJson;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * tools/runners/llama-bench.py as the agent's cmd runner, with a fake llama-bench on the PATH that
 * answers from a recorded llama-bench JSON (tools/runners/testdata): what the agent reports is the
 * recording's samples, per token for DECODE. Needs python3 (on CI it is there, so it runs).
 */
class LlamaBenchRunnerTest {

  static final Path RUNNERS = Path.of("..", "tools", "runners").toAbsolutePath().normalize();

  @TempDir Path dir;
  Path log;
  Path gguf;

  @BeforeEach
  void fakeLlamaBenchOnThePath() throws Exception {
    Assumptions.assumeTrue(
        onPath("python3") || System.getenv("CI") != null, "no python3 on the PATH");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.createSymbolicLink(
        bin.resolve("llama-bench"), RUNNERS.resolve("testdata").resolve("fake-llama-bench.py"));
    log = dir.resolve("llama-bench.log");
    gguf = Files.writeString(dir.resolve("candidate.gguf"), "GGUF");
  }

  private String command(String... extra) {
    return "PATH='"
        + dir.resolve("bin")
        + "':\"$PATH\" FAKE_LLAMA_BENCH_LOG='"
        + log
        + "' '"
        + RUNNERS.resolve("llama-bench.py")
        + "' --model '"
        + gguf
        + "' "
        + String.join(" ", extra);
  }

  private static String[] agent(String command, String objectives) {
    return new String[] {
      "agent",
      "--once",
      "--runner",
      "cmd",
      "--command",
      command,
      "--runtime",
      "llama.cpp",
      "--precision",
      "q4_0",
      "--hardware",
      "lab-phone",
      "--candidate",
      Path.of("..", "examples", "candidate.json").toString(),
      "--objectives",
      objectives,
      "--protocol",
      "fixed", // the recording holds 3 repetitions: the adaptive protocol would ask for more
      "--runs",
      "3",
      "--warmup",
      "0",
      "--json"
    };
  }

  @Test
  void reportsTheRecordedPrefillSamplesAndTheDecodeSamplesPerToken() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = HilnasCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute(agent(command("--", "-t", "4"), "PREFILL@128,DECODE@512"));

    assertEquals(0, exit, err.toString());
    List<Measurement> lines =
        out.toString().lines().map(l -> MeasurementJson.parse(l, Limits.DEFAULTS)).toList();
    assertEquals(2, lines.size());
    Measurement prefill = lines.get(0);
    Measurement decode = lines.get(1);
    assertEquals("lab-phone/llama.cpp/q4_0", prefill.target().id());
    assertEquals("PREFILL@128", prefill.objective().toString());
    // samples_ns 61842100, 60913400, 61207900 for -p 128 -n 0
    assertEquals(List.of(61.8421, 60.9134, 61.2079), prefill.samplesMs());
    assertEquals(61.2079, prefill.latencyMs(), 1e-9);
    assertEquals("DECODE@512", decode.objective().toString());
    // samples_ns 198305200, 196112800, 201947600 for 16 tokens after a 512-token context
    assertEquals(List.of(12.394075, 12.25705, 12.621725), decode.samplesMs());
    assertEquals(12.394075, decode.latencyMs(), 1e-9);
    String calls = Files.readString(log);
    assertTrue(calls.contains(" -o json -r 3 -p 128 -n 0 -t 4 --no-warmup"), calls);
    assertTrue(calls.contains(" -o json -r 3 -p 0 -n 16 -d 512 -t 4 --no-warmup"), calls);
    assertTrue(calls.contains("-m " + gguf), calls);
  }

  @Test
  void aTestLlamaBenchDidNotReportFailsTheCandidateWithTheReason() {
    StringWriter err = new StringWriter();
    CommandLine cli = HilnasCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute(agent(command(), "PREFILL@256"));

    assertEquals(1, exit, err.toString()); // a measurement that failed, not a usage error
    assertTrue(err.toString().contains("runner command exited with 1"), err.toString());
    assertTrue(err.toString().contains("nothing recorded for -p 256 -n 0 -d 0"), err.toString());
    assertTrue(err.toString().contains("llama-bench exited 1 for PREFILL@256"), err.toString());
  }

  static boolean onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }
}
