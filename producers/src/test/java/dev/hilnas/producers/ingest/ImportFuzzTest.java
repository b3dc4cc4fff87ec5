package dev.hilnas.producers.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Limits;
import dev.hilnas.testing.HostileInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The importer under fuzz: whatever a file holds, every non-blank line comes out once, either
 * accepted as a valid record or rejected with a reason — nothing escapes as an exception.
 */
class ImportFuzzTest {

  static final String CSV_HEADER =
      "candidateId,layers,dModel,nHeads,nKvHeads,headDim,ffnDim,vocabSize,attention,window,"
          + "hardware,runtime,phase,contextLength,latencyMs,samplesMs";

  @Provide
  Arbitrary<byte[]> jsonl() {
    return HostileInput.bytes(
        concat(HostileInput.MEASUREMENTS, HostileInput.QUALITY, HostileInput.CANDIDATES));
  }

  @Provide
  Arbitrary<List<String>> csvRows() {
    Arbitrary<String> cell =
        Arbitraries.oneOf(
            Arbitraries.of("8", "320", "64", "GGGGGGGG", "PREFILL", "45.2", "1e308", "NaN", "-1"),
            Arbitraries.of("\"", "\"\"", ",", "x,y", "\"unclosed", "0;1;2", ""),
            Arbitraries.strings().ofMaxLength(20));
    return cell.list()
        .ofMinSize(1)
        .ofMaxSize(20)
        .map(cells -> String.join(",", cells))
        .list()
        .ofMaxSize(10);
  }

  @Property(tries = 1000)
  void shouldAcceptOrRejectEveryJsonLineWithAReason(@ForAll("jsonl") byte[] line)
      throws IOException {
    byte[] file = concat(line, "\n".getBytes(StandardCharsets.UTF_8));
    List<LineResult> results = read(file, ".jsonl");
    long lines = new String(file, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count();
    assertEquals(lines, results.size(), "one outcome per non-blank line");
    results.forEach(ImportFuzzTest::assertAcceptedOrExplained);
  }

  @Property(tries = 1000)
  void shouldAcceptOrRejectEveryCsvRowWithAReason(@ForAll("csvRows") List<String> rows)
      throws IOException {
    String text = CSV_HEADER + "\n" + String.join("\n", rows) + "\n";
    List<LineResult> results = read(text.getBytes(StandardCharsets.UTF_8), ".csv");
    results.forEach(ImportFuzzTest::assertAcceptedOrExplained);
  }

  private static void assertAcceptedOrExplained(LineResult r) {
    if (r.isValid()) {
      assertTrue(r.measurement() != null || r.quality() != null);
    } else {
      assertFalse(r.error() == null || r.error().isBlank(), "a rejection says why");
    }
  }

  private static List<LineResult> read(byte[] content, String suffix) throws IOException {
    Path file = Files.createTempFile("fuzz", suffix);
    try {
      Files.write(file, content);
      List<LineResult> results = new ArrayList<>();
      new MeasurementFile(file, Limits.DEFAULTS).forEach(results::add);
      return results;
    } finally {
      Files.delete(file);
    }
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> out = new ArrayList<>();
    for (List<String> l : lists) {
      out.addAll(l);
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
