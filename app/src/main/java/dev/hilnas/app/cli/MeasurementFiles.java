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

/** Reads measurement files for offline commands, reporting invalid lines on stderr. */
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
    new MeasurementFile(path, limits)
        .forEach(
            line -> {
              if (line.isValid()) {
                measurements.add(line.measurement());
              } else {
                rejected.add(line);
              }
            });
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
