package dev.hilnas.app.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.app.bench.chaos.ChaosBenchmark;
import dev.hilnas.app.cli.HilnasCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchChaosCommandTest {

  @TempDir Path dir;

  @Test
  void settingsThatCannotWorkAreRefusedBeforeAClusterStarts() {
    CommandLine cli = HilnasCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    Path cluster = dir.resolve("cluster");

    int exit = cli.execute("bench", "chaos", "--rate", "10", "--dir", cluster.toString());

    assertTrue(exit != 0, err.toString());
    assertTrue(err.toString().contains("--rate must be >= 100"), err.toString());
    assertFalse(Files.exists(cluster), "nothing was started");
  }

  @Test
  void theTableHasARowPerFaultAndSaysWhenNoFreshResultCame() {
    ChaosBenchmark.Result result =
        new ChaosBenchmark.Result(
            List.of(
                new ChaosBenchmark.FaultResult("none (baseline)", "", 12.34, 100, 0, 0),
                new ChaosBenchmark.FaultResult("agent", "chaos-agent-1", null, 50, 2, 1)),
            2,
            1,
            false,
            150,
            60,
            2.5,
            0,
            3,
            7,
            7,
            true,
            4,
            1,
            List.of("t PREFILL@512: job [] vs batch [a]"),
            0,
            0,
            0,
            9.0);
    StringWriter out = new StringWriter();

    BenchChaosCommand.print(result, new PrintWriter(out, true));

    List<String> lines = out.toString().lines().toList();
    assertEquals(
        List.of(
            "fault             killed         recovery s  accepted   lost duplicated",
            "none (baseline)   -                    12.3       100      0          0",
            "agent             chaos-agent-1        none        50      2          1"),
        lines.subList(0, 3));
    assertTrue(lines.get(4).contains("exactly them"), lines.get(4));
    assertTrue(lines.get(5).contains("1 differ, e.g. [t PREFILL@512"), lines.get(5));
  }
}
