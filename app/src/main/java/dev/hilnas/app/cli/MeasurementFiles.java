package dev.hilnas.app.cli;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.producers.ingest.LineResult;
import dev.hilnas.producers.ingest.MeasurementFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads measurement files for offline commands, reporting invalid lines on stderr; quality
 * evaluations, which a file for {@code import} may mix in, are skipped and counted.
 */
public final class MeasurementFiles {

  private static final int ERRORS_SHOWN = 5;

  private MeasurementFiles() {}

  /**
   * @param limits lines beyond them are skipped as invalid
   */
  public static List<Measurement> read(Path path, PrintWriter err, Limits limits)
      throws IOException {
    List<Measurement> measurements = new ArrayList<>();
    List<LineResult> rejected = new ArrayList<>();
    long[] qualityLines = {0, 0}; // how many, and the first one's number
    new MeasurementFile(path, limits)
        .forEach(
            line -> {
              if (!line.isValid()) {
                rejected.add(line);
              } else if (line.measurement() != null) {
                measurements.add(line.measurement());
              } else if (qualityLines[0]++ == 0) { // a quality evaluation: import's, not ours
                qualityLines[1] = line.line();
              }
            });
    if (qualityLines[0] > 0) {
      err.println(
          path
              + ":"
              + qualityLines[1]
              + ": skipped "
              + qualityLines[0]
              + " quality evaluation line(s), the first here: this command reads measurements"
              + " (import publishes both)");
    }
    for (int i = 0; i < Math.min(ERRORS_SHOWN, rejected.size()); i++) {
      err.println(path + ":" + rejected.get(i).line() + ": skipped: " + rejected.get(i).error());
    }
    if (rejected.size() > ERRORS_SHOWN) {
      err.println(
          path + ": ... and " + (rejected.size() - ERRORS_SHOWN) + " more invalid lines skipped");
    }
    err.flush();
    return measurements;
  }
}
