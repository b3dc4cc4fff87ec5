package dev.hilnas.producers.ingest;

import java.util.List;

/**
 * What an import did: lines accepted, lines rejected, and the first rejections with their reasons.
 *
 * @param valid lines accepted, measurements and quality evaluations together
 * @param quality of the valid lines, the quality evaluations
 * @param errors at most the first {@link Importer#MAX_REPORTED_ERRORS} rejections, in file order
 */
public record ImportReport(long valid, long invalid, long quality, List<LineError> errors) {

  /**
   * @param line 1-based line number in the file
   */
  public record LineError(long line, String reason) {}
}
