package dev.hilnas.app;

import dev.hilnas.app.cli.HilnasCommand;

/** Entry point of the {@code hilnas} CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(HilnasCommand.execute(args));
  }
}
