package dev.hilnas.app.bench.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TallyTest {

  @Test
  void shouldGroupReasonsThatDifferOnlyInTheirValues() {
    assertEquals(
        "latencyMs must be at most N",
        Tally.kind("latencyMs must be at most 3600000, got 1.0E308"));
    assertEquals("candidate: missing field '…'", Tally.kind("candidate: missing field 'ffnDim'"));
    assertEquals(
        "not a LatencyMeasurement in Avro single-object encoding (N bytes): Unrecognized header"
            + " bytes: 0x… 0x…",
        Tally.kind(
            "not a LatencyMeasurement in Avro single-object encoding (7 bytes): Unrecognized"
                + " header bytes: 0x67 0x61"));
  }

  @Test
  void shouldKeepTheStatusInFrontAndTheNumbersOfNames() {
    assertEquals(
        "400: not valid JSON: Invalid UTF-8 middle byte 0x…",
        Tally.kind("400: not valid JSON: Invalid UTF-8 middle byte 0x28\n at [Source: …]"));
    assertEquals(
        "samplesMs[N] must be a finite number > N",
        Tally.kind("samplesMs[1] must be a finite number > 0, got -2.0"));
    assertEquals(
        "field '…': Numeric value (-N) out of range of int (-N - N)",
        Tally.kind(
            "field 'layers': Numeric value (-1.0E308) out of range of int (-2147483648 - 2147483647)"));
    assertEquals(
        "field '…': Cannot deserialize value of type `java.lang.Integer` from String \"…\"",
        Tally.kind(
            "field 'dModel': Cannot deserialize value of type `java.lang.Integer` from String \"x\""));
    assertEquals("(no reason given)", Tally.kind(null));
  }

  @Test
  void shouldReportEveryServerErrorFirstAndTheOtherReasonsByFrequency() {
    Tally tally = new Tally("http-get");
    for (int i = 0; i < Tally.REASONS_LISTED + 5; i++) {
      tally.sent();
      for (int n = 0; n <= i; n++) {
        tally.rejected("reason " + (char) ('a' + i % 26) + i);
      }
    }
    tally.sent();
    tally.serverError("500: unexpected server error; the server log has the details");

    PathReport report = tally.report(0L, 0L);

    List<String> reasons = List.copyOf(report.reasons().keySet());
    assertEquals(
        "server error: 500: unexpected server error; the server log has the details",
        reasons.get(0));
    assertEquals(Tally.OTHER_REASONS, reasons.get(reasons.size() - 1));
    assertEquals(Tally.REASONS_LISTED + 1, reasons.size(), "the listed, then the others summed");
    assertEquals(1, report.serverErrors());
    assertFalse(report.clean(), "a server error is a problem");
  }

  @Test
  void shouldCallAPathCleanOnlyWhenItsValidRecordsWereCountedExactlyOnce() {
    Tally tally = new Tally("import-jsonl");
    tally.validSent();
    tally.validAccepted();
    tally.accepted();
    tally.counts(1, 1);
    assertTrue(tally.report(0L, 0L).clean());
    assertTrue(tally.report(null, null).clean(), "figures a stack does not export are no problem");
    assertFalse(tally.report(1L, 0L).clean(), "a job restart");
    assertFalse(tally.report(0L, 1L).clean(), "a Streams error");
    tally.counts(1, 2);
    assertFalse(tally.report(0L, 0L).clean(), "a valid record counted twice");
  }
}
