package dev.hilnas.app.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Quality;
import dev.hilnas.producers.ingest.Importer;
import dev.hilnas.producers.ingest.LineResult;
import dev.hilnas.producers.ingest.MeasurementFile;
import dev.hilnas.producers.ingest.MeasurementSink;
import dev.hilnas.producers.kafka.KafkaMeasurementSink;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.json.HostileJson;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.schemas.json.MeasurementJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Files through the importer that {@code hilnas import} runs, to Kafka: JSONL lines and CSV rows
 * from the hostile generator, with valid measurements of the path's own target among them. JSONL
 * mixes them line by line. A CSV row can break the rest of its file (an unclosed quote), so the
 * valid rows go in files of their own, one after each file of fuzz.
 */
final class ImportFuzz {
  /** Lines per JSONL file, rows per CSV file: an exception escaping the importer loses one. */
  private static final int JSONL_FILE_LINES = 1000;

  private static final int CSV_FILE_ROWS = 100;

  /** The CSV columns: every field of a measurement and quality line a row can carry. */
  private static final List<String> CSV_COLUMNS =
      List.of(
          "candidateId",
          "measurementId",
          "layers",
          "dModel",
          "nHeads",
          "nKvHeads",
          "headDim",
          "ffnDim",
          "vocabSize",
          "attention",
          "window",
          "weightBits",
          "hardware",
          "runtime",
          "precision",
          "phase",
          "contextLength",
          "latencyMs",
          "samplesMs",
          "metric",
          "value",
          "dataset",
          "evaluator");

  private static final Set<String> CANDIDATE_COLUMNS =
      Set.of(
          "layers",
          "dModel",
          "nHeads",
          "nKvHeads",
          "headDim",
          "ffnDim",
          "vocabSize",
          "attention",
          "window",
          "weightBits");

  /** What a careless spreadsheet puts in a cell. */
  private static final List<String> ODD_CELLS =
      List.of(
          "8",
          "320",
          "GGGGGGGG",
          "PREFILL",
          "45.2",
          "1e308",
          "NaN",
          "-1",
          "\"",
          "\"\"",
          ",",
          "x,y",
          "\"unclosed",
          "0;1;2",
          "",
          " ",
          "\t",
          "\r",
          "\n",
          "null");

  private final FuzzRun run;

  ImportFuzz(FuzzRun run) {
    this.run = run;
  }

  Tally jsonl(Random r) throws Exception {
    Tally tally = new Tally("import-jsonl");
    HardwareTarget target = run.target("import-jsonl");
    List<String> seeds = run.hostileSeeds();
    List<Measurement> valid =
        Tracers.measurements(target, run.id() + "-jsonl", run.cases() / 10 + 1, r.nextLong());
    Counting sink = new Counting(tally, target);
    try (sink) {
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      int lines = 0;
      for (int i = 0; i < run.cases(); i++) {
        if (i % 10 == 0) {
          tally.validSent();
          file.write(MeasurementJson.toJson(valid.get(i / 10)).getBytes(StandardCharsets.UTF_8));
        } else {
          tally.sent();
          file.write(HostileJson.bytes(seeds, r));
        }
        file.write('\n');
        if (++lines == JSONL_FILE_LINES || i == run.cases() - 1) {
          importFile(file.toByteArray(), ".jsonl", sink, tally);
          file.reset();
          lines = 0;
        }
      }
    }
    tally.counts(sink.expected(), run.awaitCount(target, sink.expected(), sink.before));
    return tally;
  }

  Tally csv(Random r) throws Exception {
    Tally tally = new Tally("import-csv");
    HardwareTarget target = run.target("import-csv");
    List<String> seeds = run.hostileSeeds();
    List<Measurement> valid =
        Tracers.measurements(target, run.id() + "-csv", run.cases() / 10 + 1, r.nextLong());
    String header = String.join(",", CSV_COLUMNS) + "\n";
    Counting sink = new Counting(tally, target);
    try (sink) {
      StringBuilder fuzz = new StringBuilder(header);
      StringBuilder good = new StringBuilder(header);
      int rows = 0;
      for (int i = 0; i < run.cases(); i++) {
        if (i % 10 == 0) {
          tally.validSent();
          good.append(row(Json.readTree(MeasurementJson.toJson(valid.get(i / 10))), true))
              .append('\n');
        } else {
          tally.sent();
          fuzz.append(hostileRow(seeds, r)).append('\n');
        }
        if (++rows == CSV_FILE_ROWS || i == run.cases() - 1) {
          importFile(fuzz.toString().getBytes(StandardCharsets.UTF_8), ".csv", sink, tally);
          importFile(good.toString().getBytes(StandardCharsets.UTF_8), ".csv", sink, tally);
          fuzz.setLength(header.length());
          good.setLength(header.length());
          rows = 0;
        }
      }
    }
    tally.counts(sink.expected(), run.awaitCount(target, sink.expected(), sink.before));
    return tally;
  }

  private void importFile(byte[] content, String suffix, MeasurementSink sink, Tally tally)
      throws IOException {
    Path file = Files.createTempFile(run.scratch(), "fuzz", suffix);
    try {
      Files.write(file, content);
      Importer.run(new MeasurementFile(file, Limits.DEFAULTS), sink);
    } catch (RuntimeException e) {
      // `hilnas import` would stop on it with a stack trace: the importer's 5xx
      tally.serverError(e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      Files.delete(file);
    }
  }

  /** A row in the shares of {@link HostileJson#line}, plus cells a spreadsheet may hold. */
  private static String hostileRow(List<String> seeds, Random r) {
    String seed = seeds.get(r.nextInt(seeds.size()));
    return switch (r.nextInt(11)) {
      case 0 -> row(Json.readTree(seed), true);
      case 1, 2, 3, 4, 5, 6 -> mutatedRow(HostileJson.mutate(seed, r), r.nextBoolean());
      case 7 -> HostileJson.cut(row(Json.readTree(seed), true), r);
      case 8 -> HostileJson.text(r);
      case 9 -> HostileJson.nested(r);
      default -> {
        StringJoiner cells = new StringJoiner(",");
        for (int n = 1 + r.nextInt(30); n > 0; n--) {
          cells.add(ODD_CELLS.get(r.nextInt(ODD_CELLS.size())));
        }
        yield cells.toString();
      }
    };
  }

  /** A mutated line as a row; one with bare NaN or 1e999, which is no JSON, as the text it is. */
  private static String mutatedRow(String mutated, boolean quoted) {
    try {
      return row(Json.readTree(mutated), quoted);
    } catch (IllegalArgumentException e) {
      return mutated;
    }
  }

  /**
   * A JSON line as a CSV row: candidate fields from the candidate, the rest from the top level,
   * samples separated by {@code ;}; quoted as CSV wants, or written raw as a careless writer does.
   */
  private static String row(JsonNode line, boolean quoted) {
    StringJoiner row = new StringJoiner(",");
    for (String column : CSV_COLUMNS) {
      JsonNode value =
          CANDIDATE_COLUMNS.contains(column)
              ? line.path("candidate").get(column)
              : line.get(column);
      String cell = cell(value);
      boolean needsQuotes = cell.matches("(?s).*[,\"\\r\\n].*");
      row.add(quoted && needsQuotes ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
    }
    return row.toString();
  }

  private static String cell(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "";
    } else if (value.isTextual()) {
      return value.asText();
    } else if (value.isArray()) {
      StringJoiner items = new StringJoiner(";");
      value.forEach(v -> items.add(v.isValueNode() ? v.asText() : v.toString()));
      return items.toString();
    }
    return value.toString();
  }

  /**
   * Hands what the importer read to Kafka, counting it: accepted, rejected with the reason, and of
   * the accepted the measurements of the path's own target — which are what its count must show.
   */
  private final class Counting implements MeasurementSink {
    private final KafkaMeasurementSink kafka;
    private final Tally tally;
    private final HardwareTarget target;
    private final Set<String> ids = new HashSet<>();
    private final long before;

    Counting(Tally tally, HardwareTarget target) throws Exception {
      this.kafka =
          new KafkaMeasurementSink(
              KafkaConnection.to(run.bootstrap()), "hilnas-bench-fuzz", Clock.systemUTC());
      this.tally = tally;
      this.target = target;
      this.before = run.stack().measurements(target.id());
    }

    long expected() {
      return ids.size();
    }

    @Override
    public void accept(Measurement m) {
      tally.accepted();
      if (m.target().equals(target)) {
        tally.validAccepted();
        ids.add(m.id());
      }
      kafka.accept(m);
    }

    @Override
    public void accept(Quality q) {
      tally.accepted();
      kafka.accept(q);
    }

    @Override
    public void reject(String source, LineResult rejected) {
      tally.rejected(rejected.error());
      kafka.reject(source, rejected);
    }

    @Override
    public void flush() {
      kafka.flush();
    }

    @Override
    public void close() {
      kafka.close();
    }
  }
}
