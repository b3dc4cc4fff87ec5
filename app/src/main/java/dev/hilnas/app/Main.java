package dev.hilnas.app;

import dev.hilnas.app.cli.HilnasCommand;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** Entry point of the {@code hilnas} CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine cli;
    try {
      cli = HilnasCommand.commandLine();
    } catch (IllegalArgumentException
        | UncheckedIOException e) { // HILNAS_CONFIG, before any command
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(cli.execute(args));
  }
}
