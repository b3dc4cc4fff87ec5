package dev.hilnas.producers.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.hilnas.core.Limits;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.schemas.json.MeasurementJson;
import dev.hilnas.schemas.json.QualityJson;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A file of measurements: Measurement JSONL (docs/contracts.md), or CSV with the same column names
 * (candidate fields as columns, {@code attention} as a string, {@code samplesMs} separated by
 * {@code ;}). Read as a stream, so files larger than memory import fine. Not thread-safe.
 */
public final class MeasurementFile {

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

  private final Path path;
  private final Limits limits;
  private long bytesRead;

  /**
   * @param limits lines beyond them are rejected
   */
  public MeasurementFile(Path path, Limits limits) {
    this.path = path;
    this.limits = limits;
  }

  public Path path() {
    return path;
  }

  public long sizeBytes() throws IOException {
    return Files.size(path);
  }

  /** Bytes consumed so far, for progress reporting; safe to read from another thread. */
  public synchronized long bytesRead() {
    return bytesRead;
  }

  private synchronized void addBytes(long n) {
    bytesRead += n;
  }

  /**
   * Reads every line, handing each outcome to {@code action} in file order. Blank lines are
   * skipped, not reported.
   *
   * @throws IOException when the file cannot be read at all
   */
  public void forEach(Consumer<LineResult> action) throws IOException {
    if (Files.isDirectory(path)) { // reading one says "Is a directory" without naming it
      throw new java.nio.file.FileSystemException(path.toString(), null, "a directory, not a file");
    }
    try (InputStream in = new Counting(Files.newInputStream(path))) {
      if (path.getFileName().toString().toLowerCase().endsWith(".csv")) {
        readCsv(in, action);
      } else {
        readJsonl(in, action);
      }
    }
  }

  private void readJsonl(InputStream in, Consumer<LineResult> action) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    long lineNo = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (!line.isBlank()) {
        String json = line;
        action.accept(read(lineNo, json, () -> Json.readTree(json)));
      }
    }
  }

  private void readCsv(InputStream in, Consumer<LineResult> action) throws IOException {
    CsvMapper csv = new CsvMapper();
    try (MappingIterator<Map<String, String>> rows =
        csv.readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(in)) {
      while (hasNextRow(rows, action)) {
        long lineNo = rows.getCurrentLocation().getLineNr();
        Map<String, String> row;
        try {
          row = rows.nextValue();
        } catch (IOException | RuntimeException e) {
          action.accept(LineResult.rejected(lineNo, "", "not valid CSV: " + e.getMessage()));
          continue;
        }
        ObjectNode node = toJson(row);
        action.accept(read(lineNo, node.toString(), () -> node));
      }
    }
  }

  /**
   * Whether another row follows. A quote that is never closed leaves the CSV parser lost for the
   * rest of the file: that is reported once, as the last outcome, instead of thrown.
   */
  private static boolean hasNextRow(
      MappingIterator<Map<String, String>> rows, Consumer<LineResult> action) {
    try {
      return rows.hasNextValue();
    } catch (IOException | RuntimeException e) {
      long lineNo = rows.getCurrentLocation().getLineNr();
      action.accept(
          LineResult.rejected(
              lineNo, "", "not valid CSV from here on: " + firstLine(e.getMessage())));
      return false;
    }
  }

  private static String firstLine(String message) {
    int cut = message == null ? -1 : message.indexOf('\n');
    return cut < 0 ? String.valueOf(message) : message.substring(0, cut);
  }

  private static ObjectNode toJson(Map<String, String> row) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    ObjectNode candidate = node.putObject("candidate");
    row.forEach(
        (column, value) -> {
          if (value == null || value.isBlank()) {
            return;
          }
          if (CANDIDATE_COLUMNS.contains(column)) {
            candidate.put(column, value.trim());
          } else if (column.equals("samplesMs")) {
            ArrayNode samples = node.putArray(column);
            for (String s : value.trim().split("[;\\s]+")) {
              samples.add(s);
            }
          } else {
            node.put(column, value.trim());
          }
        });
    return node;
  }

  /** A line with a {@code metric} is a quality evaluation; any other, a measurement. */
  private LineResult read(long lineNo, String raw, Supplier<JsonNode> parse) {
    try {
      JsonNode node = parse.get();
      return QualityJson.isQuality(node)
          ? LineResult.accepted(lineNo, raw, QualityJson.fromTree(node, limits))
          : LineResult.accepted(lineNo, raw, MeasurementJson.fromTree(node, limits));
    } catch (IllegalArgumentException e) {
      return LineResult.rejected(lineNo, raw, e.getMessage());
    }
  }

  private final class Counting extends FilterInputStream {
    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        addBytes(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
      int n = super.read(buffer, off, len);
      if (n > 0) {
        addBytes(n);
      }
      return n;
    }
  }
}
