package dev.hilnas.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations the way people write them: {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h};
 * ISO-8601 ({@code PT1M30S}) for anything else. The one parser for the CLI and the job jar.
 */
public final class Durations {
  // Nine digits at most: any count of any unit fits a Duration.
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException for text that is neither form, or a negative duration
   */
  public static Duration parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    Matcher m = SIMPLE.matcher(trimmed.toLowerCase(Locale.ROOT));
    Duration parsed = m.matches() ? of(Long.parseLong(m.group(1)), m.group(2)) : iso(text, trimmed);
    if (parsed.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, got '" + text + "'");
    }
    return parsed;
  }

  private static Duration of(long n, String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static Duration iso(String text, String trimmed) {
    try {
      return Duration.parse(trimmed);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "duration must look like 500ms, 2s, 5m, 1h or PT1M30S, got '" + text + "'");
    }
  }
}
