package dev.hilnas.producers.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a measurement or quality file line by line and hands every outcome to a {@link
 * MeasurementSink}.
 */
public final class Importer {

  /** Rejections kept in the report; the counts are always exact. */
  public static final int MAX_REPORTED_ERRORS = 1000;

  private Importer() {}

  /**
   * @throws IOException when the file cannot be read
   */
  public static ImportReport run(MeasurementFile file, MeasurementSink sink) throws IOException {
    long[] counts = new long[3]; // valid, invalid, of the valid: quality evaluations
    List<ImportReport.LineError> errors = new ArrayList<>();
    String source = "import:" + file.path().getFileName();
    file.forEach(
        result -> {
          if (result.measurement() != null) {
            counts[0]++;
            sink.accept(result.measurement());
          } else if (result.quality() != null) {
            counts[0]++;
            counts[2]++;
            sink.accept(result.quality());
          } else {
            counts[1]++;
            if (errors.size() < MAX_REPORTED_ERRORS) {
              errors.add(new ImportReport.LineError(result.line(), result.error()));
            }
            sink.reject(source, result);
          }
        });
    sink.flush();
    return new ImportReport(counts[0], counts[1], counts[2], List.copyOf(errors));
  }
}
