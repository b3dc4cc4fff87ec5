package dev.hilnas.producers.ingest;

import dev.hilnas.core.Measurement;

/**
 * The outcome of reading one line of an input file: a measurement, or why the line was rejected.
 *
 * @param line 1-based line number in the file
 * @param raw the line as read (for the dead-letter topic)
 * @param measurement the measurement, or null when rejected
 * @param error why the line was rejected, or null when accepted
 */
public record LineResult(long line, String raw, Measurement measurement, String error) {

  public static LineResult accepted(long line, String raw, Measurement measurement) {
    return new LineResult(line, raw, measurement, null);
  }

  public static LineResult rejected(long line, String raw, String error) {
    return new LineResult(line, raw, null, error);
  }

  public boolean isValid() {
    return measurement != null;
  }
}
