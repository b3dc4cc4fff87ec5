package dev.hilnas.producers.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeasurementFileTest {

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(MeasurementFileTest.class.getResource("/" + name).toURI());
  }

  /** Records what an import hands over, in order. */
  private static final class Recording implements MeasurementSink {
    final List<Measurement> accepted = new ArrayList<>();
    final List<Quality> qualities = new ArrayList<>();
    final List<String> rejected = new ArrayList<>();
    int flushes;

    @Override
    public void accept(Measurement m) {
      accepted.add(m);
    }

    @Override
    public void accept(Quality q) {
      qualities.add(q);
    }

    @Override
    public void reject(String source, LineResult r) {
      rejected.add(source + "#" + r.line() + ": " + r.raw());
    }

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public void close() {}
  }

  @Test
  void shouldReportEveryInvalidJsonlLineWithItsNumberAndReason() throws Exception {
    Recording sink = new Recording();

    ImportReport report =
        Importer.run(
            new MeasurementFile(resource("measurements-with-errors.jsonl"), Limits.DEFAULTS), sink);

    assertEquals(10, report.valid());
    assertEquals(3, report.invalid());
    assertEquals(
        List.of(
            new ImportReport.LineError(
                5, "not valid JSON: Unexpected end-of-input: expected close marker for Object"),
            new ImportReport.LineError(9, "latencyMs must be a finite number > 0, got NaN"),
            new ImportReport.LineError(13, "candidate: attention has 2 letters but layers is 8")),
        report.errors());
    assertEquals(10, sink.accepted.size());
    assertEquals(
        3,
        sink.rejected.size(),
        "rejected lines go to the sink too (the DLQ), not only the report");
    assertEquals(
        "import:measurements-with-errors.jsonl#5: {\"candidateId\": \"broken\"",
        sink.rejected.get(0));
    assertEquals(1, sink.flushes);
  }

  @Test
  void shouldReadCsvWithTheSameColumnNames() throws Exception {
    Recording sink = new Recording();

    ImportReport report =
        Importer.run(new MeasurementFile(resource("measurements.csv"), Limits.DEFAULTS), sink);

    assertEquals(2, report.valid());
    assertEquals(
        List.of(
            new ImportReport.LineError(
                4, "candidate: dModel (250) must be a multiple of headDim (64)")),
        report.errors());
    Measurement first = sink.accepted.get(0);
    assertEquals("GLSG", first.candidate().attentionPattern());
    assertEquals(List.of(12.1, 12.5, 13.0), first.samplesMs());
    assertEquals("pixel8-cpu/executorch-xnnpack", first.target().id());
    assertEquals(Phase.DECODE, sink.accepted.get(1).phase());
  }

  @Test
  void shouldTellQualityLinesFromMeasurementLinesAndRejectBadOnes() throws Exception {
    Recording sink = new Recording();

    ImportReport report =
        Importer.run(new MeasurementFile(resource("mixed.jsonl"), Limits.DEFAULTS), sink);

    assertEquals(3, report.valid());
    assertEquals(2, report.quality());
    assertEquals(
        List.of(
            new ImportReport.LineError(3, "value must be a finite number > 0, got -1.0"),
            new ImportReport.LineError(4, "metric must be 'perplexity', got 'bleu'")),
        report.errors());
    assertEquals(1, sink.accepted.size());
    assertEquals(List.of(12.3, 30.5), sink.qualities.stream().map(Quality::value).toList());
    assertEquals("q1", sink.qualities.get(0).candidateId());
    assertEquals(2, sink.rejected.size());
  }

  /**
   * The issue's lines: a latency and a perplexity of 1e308 pass as finite numbers but overflowed
   * the job's frontier references; and two records that share all but their candidateId.
   */
  @Test
  void shouldRejectLinesBeyondTheLimitsAndKeepRecordsThatDifferOnlyInTheirLabel() throws Exception {
    Recording sink = new Recording();

    ImportReport report =
        Importer.run(new MeasurementFile(resource("beyond-limits.jsonl"), Limits.DEFAULTS), sink);

    assertEquals(
        List.of(
            new ImportReport.LineError(1, "latencyMs must be at most 3600000, got 1.0E308"),
            new ImportReport.LineError(2, "value must be at most 10000000, got 1.0E308")),
        report.errors());
    assertEquals(2, sink.rejected.size(), "to the DLQ with their reasons");
    assertEquals(
        List.of("s0001", "s0002"), sink.accepted.stream().map(Measurement::candidateId).toList());
    assertNotEquals(sink.accepted.get(0).id(), sink.accepted.get(1).id());
  }
}
