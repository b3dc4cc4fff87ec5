package dev.hilnas.producers.ingest;

import dev.hilnas.core.Measurement;
import dev.hilnas.core.Quality;

/**
 * The outcome of reading one line of an input file: a measurement, a quality evaluation, or why the
 * line was rejected. Exactly one of the three is set.
 *
 * @param line 1-based line number in the file
 * @param raw the line as read (for the dead-letter topic)
 * @param measurement the measurement, or null
 * @param quality the quality evaluation, or null
 * @param error why the line was rejected, or null when accepted
 */
public record LineResult(
    long line, String raw, Measurement measurement, Quality quality, String error) {

  public static LineResult accepted(long line, String raw, Measurement measurement) {
    return new LineResult(line, raw, measurement, null, null);
  }

  public static LineResult accepted(long line, String raw, Quality quality) {
    return new LineResult(line, raw, null, quality, null);
  }

  public static LineResult rejected(long line, String raw, String error) {
    return new LineResult(line, raw, null, null, error);
  }

  public boolean isValid() {
    return error == null;
  }
}
