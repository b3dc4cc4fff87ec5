package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Option values are read by core's parsers, whose messages reach the user as they are. */
class ConvertersTest {

  /** The first line a command prints to stderr, after checking it refused its arguments. */
  private static String refusal(String... args) {
    CommandLine cli = HilnasCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute(args), err.toString());
    return err.toString().lines().findFirst().orElseThrow();
  }

  @Test
  void aDurationThatIsNotOneIsRefusedBeforeTheCommandRuns() {
    assertEquals(
        "Invalid value for option '--for': duration must look like 500ms, 2s, 5m, 1h or PT1M30S, got 'soon'",
        refusal("serve", "--for", "soon"));
  }
}
