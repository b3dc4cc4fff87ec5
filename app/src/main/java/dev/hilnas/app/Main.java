package dev.hilnas.app;

import dev.hilnas.app.cli.HilnasCommand;

/** Entry point of the {@code hilnas} CLI. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Avro 1.12 decodes generated classes only from trusted packages; set before Avro loads.
    System.setProperty(
        "org.apache.avro.SERIALIZABLE_PACKAGES",
        "java.lang,java.util,java.math,dev.hilnas.schemas");
    System.exit(HilnasCommand.commandLine().execute(args));
  }
}
