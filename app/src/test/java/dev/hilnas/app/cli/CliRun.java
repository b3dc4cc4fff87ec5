package dev.hilnas.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One run of the {@code hilnas} command line in this JVM, as a user would type it: its exit code
 * and what it printed on stdout and stderr.
 */
public record CliRun(int exit, String out, String err) {

  public static CliRun of(String... args) {
    CommandLine cli = HilnasCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
