package dev.hilnas.app.cli;

import dev.hilnas.core.Durations;
import dev.hilnas.core.HardwareTarget;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * Option types read by core's parsers. A parser's message becomes picocli's "Invalid value for
 * option" error as it stands, rather than wrapped in "cannot convert" and the exception's name.
 */
final class Converters {
  private Converters() {}

  static void register(CommandLine cli) {
    cli.registerConverter(Duration.class, text -> read(Durations::parse, text));
    cli.registerConverter(HardwareTarget.class, text -> read(HardwareTarget::parse, text));
  }

  private static <T> T read(Function<String, T> parser, String text) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
