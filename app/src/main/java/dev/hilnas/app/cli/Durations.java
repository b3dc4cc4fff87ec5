package dev.hilnas.app.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations the way people write them: {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}. */
final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private Durations() {}

  static Duration parse(String text) {
    Matcher m = SIMPLE.matcher(text.trim().toLowerCase());
    if (!m.matches()) {
      try {
        return Duration.parse(text.trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a duration; write e.g. 500ms, 2s, 5m or 1h");
      }
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
