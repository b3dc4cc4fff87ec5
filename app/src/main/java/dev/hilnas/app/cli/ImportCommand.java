package dev.hilnas.app.cli;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Quality;
import dev.hilnas.producers.ingest.ImportReport;
import dev.hilnas.producers.ingest.Importer;
import dev.hilnas.producers.ingest.LineResult;
import dev.hilnas.producers.ingest.MeasurementFile;
import dev.hilnas.producers.ingest.MeasurementSink;
import dev.hilnas.producers.kafka.KafkaMeasurementSink;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Validate measurement and quality files and publish them to Kafka.",
      "",
      "Validate measurement or quality files (JSONL as in docs/contracts.md, or CSV with the same column names; a line with a 'metric' is a quality evaluation) and publish the valid lines to hil.measurements and hil.quality. Invalid lines are reported with their line number and reason, and sent to hil.dlq, never silently dropped. Exit code 0 when every file was read (even with invalid lines), 1 when one could not be read, 3 when Kafka could not be reached (then nothing is read) or refused records."
    })
final class ImportCommand implements Callable<Integer> {

  private static final long PROGRESS_BAR_BYTES = 4L << 20;
  private static final int ERRORS_SHOWN = 20;

  /** How long a broker has to answer before anything is published. */
  private static final Duration KAFKA_WAIT = Duration.ofSeconds(10);

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "Measurement .jsonl or .csv files.")
  List<Path> files;

  @Mixin KafkaOptions kafka;

  @Option(names = "--dry-run", description = "Validate only; do not connect to Kafka.")
  boolean dryRun;

  @Option(
      names = "--json",
      description = "End the output with one JSON object: valid, invalid, errors.")
  boolean json;

  @Mixin LimitsOptions limits;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    long valid = 0;
    long invalid = 0;
    List<Map<String, Object>> errors = new ArrayList<>();
    int status = 0;
    Limits accepted = limits.limits();
    // a file that is not there is said before anything connects, and skipped
    List<Path> readable = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (Path path : files) {
      if (Files.isReadable(path) && !Files.isDirectory(path)) {
        readable.add(path);
      } else {
        unreadable.add(path.toString());
        err.println(
            path
                + ": cannot read: "
                + (Files.exists(path)
                    ? Files.isDirectory(path) ? "a directory" : ErrorMessage.PERMISSION_DENIED
                    : ErrorMessage.NO_SUCH_FILE));
        status = 1;
      }
    }
    List<Path> toRead = readable;
    if (!dryRun && !readable.isEmpty()) {
      try {
        KafkaReach.require(kafka.connection(), KAFKA_WAIT);
      } catch (IllegalStateException e) { // nothing is read, and --json still says so
        err.println("error: " + e.getMessage());
        status = 3;
        toRead = List.of();
      }
    }
    try (MeasurementSink sink =
        dryRun || toRead.isEmpty()
            ? MeasurementSink.DISCARD
            : new KafkaMeasurementSink(kafka.connection(), "hilnas-import", Clock.systemUTC())) {
      for (Path path : toRead) {
        MeasurementFile file = new MeasurementFile(path, accepted);
        ImportReport report;
        try {
          report = importWithProgress(file, sink);
        } catch (IOException e) { // gone, or unreadable, since it was looked at above
          unreadable.add(path.toString());
          err.println(path + ": cannot read: " + ErrorMessage.withoutFile(e));
          status = 1;
          continue;
        } catch (IllegalStateException e) {
          err.println(path + ": " + e.getMessage());
          status = 3;
          continue;
        }
        valid += report.valid();
        invalid += report.invalid();
        for (ImportReport.LineError e : report.errors()) {
          Map<String, Object> error = new LinkedHashMap<>();
          if (files.size() > 1) {
            error.put("file", path.toString());
          }
          error.put("line", e.line());
          error.put("reason", e.reason());
          errors.add(error);
        }
        printSummary(err, path, report);
      }
    }
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("valid", valid);
      out.put("invalid", invalid);
      out.put("errors", errors);
      if (!unreadable.isEmpty()) {
        out.put("unreadable", unreadable);
      }
      spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(out));
      spec.commandLine().getOut().flush();
    }
    return status;
  }

  private ImportReport importWithProgress(MeasurementFile file, MeasurementSink sink)
      throws IOException {
    long size = file.sizeBytes();
    if (size < PROGRESS_BAR_BYTES) {
      return Importer.run(file, sink);
    }
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("import " + file.path().getFileName())
            .setInitialMax(size)
            .setUnit(" MiB", 1L << 20)
            .setStyle(ProgressBarStyle.ASCII)
            .showSpeed()
            .build()) {
      return Importer.run(file, new Progress(sink, file, bar));
    }
  }

  private void printSummary(PrintWriter err, Path path, ImportReport report) {
    for (int i = 0; i < Math.min(ERRORS_SHOWN, report.errors().size()); i++) {
      ImportReport.LineError e = report.errors().get(i);
      err.println(path + ":" + e.line() + ": " + e.reason());
    }
    if (report.invalid() > ERRORS_SHOWN) {
      err.println(path + ": ... and " + (report.invalid() - ERRORS_SHOWN) + " more invalid lines");
    }
    String kinds =
        report.quality() == 0
            ? ""
            : " ("
                + (report.valid() - report.quality())
                + " measurements, "
                + report.quality()
                + " quality evaluations)";
    err.printf(
        "%s: %d valid%s, %d invalid%s%n",
        path,
        report.valid(),
        kinds,
        report.invalid(),
        dryRun
            ? " (dry run: nothing published)"
            : " (measurements → hil.measurements, quality → hil.quality, invalid → hil.dlq)");
    err.flush();
  }

  /** Moves the progress bar along as lines are handed to the real sink. */
  private record Progress(MeasurementSink sink, MeasurementFile file, ProgressBar bar)
      implements MeasurementSink {
    @Override
    public void accept(Measurement measurement) {
      sink.accept(measurement);
      bar.stepTo(file.bytesRead());
    }

    @Override
    public void accept(Quality quality) {
      sink.accept(quality);
      bar.stepTo(file.bytesRead());
    }

    @Override
    public void reject(String source, LineResult rejected) {
      sink.reject(source, rejected);
      bar.stepTo(file.bytesRead());
    }

    @Override
    public void flush() {
      sink.flush();
    }

    @Override
    public void close() {}
  }
}
