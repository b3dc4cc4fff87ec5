package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.app.cli.HilnasCommand;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.producers.gateway.Devices;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Python client (clients/python) against a real stack: its unittest suite, the live tests
 * included, must pass. Runs wherever python3 is on the PATH; on CI (the {@code CI} variable set) a
 * missing python3 fails the test instead of skipping it.
 */
class PythonClientIT {

  static final Path CLIENT = Path.of("..", "clients", "python").toAbsolutePath().normalize();
  static final String TARGET = "py-lab/numpy-openblas-fp32";

  @TempDir Path dir;

  @Test
  void thePythonClientsTestsPassAgainstARunningStack() throws Exception {
    Assumptions.assumeTrue(
        onPath("python3") || System.getenv("CI") != null,
        "no python3 on the PATH; CI has one, so there this test runs");
    Devices.Added device = new Devices(List.of()).add("py-lab-1", Set.of(TARGET));
    try (Stack stack = TestStacks.start(dir.resolve("data"), device.devices())) {
      // evaluations for every target, so that the device's target gets frontiers
      CommandLine cli = HilnasCommand.commandLine();
      StringWriter err = new StringWriter();
      cli.setErr(new PrintWriter(err));
      cli.setOut(new PrintWriter(new StringWriter()));
      int imported =
          cli.execute(
              "import",
              "--bootstrap",
              stack.bootstrapServers(),
              Path.of("..", "examples", "quality.jsonl").toString());
      assertEquals(0, imported, err.toString());

      Path log = dir.resolve("unittest.log");
      ProcessBuilder python =
          new ProcessBuilder("python3", "-m", "unittest", "-v")
              .directory(CLIENT.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      python.environment().put("HILNAS_URL", stack.httpUrl());
      python.environment().put("HILNAS_TOKEN", device.token());
      python.environment().put("HILNAS_TARGET", TARGET);
      python.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      Process process = python.start();
      boolean finished = process.waitFor(5, TimeUnit.MINUTES);
      if (!finished) {
        process.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);

      assertTrue(finished, "python3 -m unittest ran over 5 minutes:\n" + output);
      assertEquals(0, process.exitValue(), output);
      assertTrue(output.strip().endsWith("OK"), "every test passed, none skipped:\n" + output);
      assertTrue(output.contains("test_live.LiveTest"), "the live tests ran:\n" + output);
      assertFalse(output.contains("skipped"), output);
    }
  }

  /** Whether an executable of that name is on the PATH. */
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
