package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.schemas.json.MeasurementJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {

  @TempDir Path dir;

  @Test
  void shouldMeasureOneCandidateLocallyAndPrintMeasurementLines() throws Exception {
    Path candidate =
        Files.writeString(
            dir.resolve("tiny.json"),
            "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,\"ffnDim\":128,"
                + "\"vocabSize\":100,\"attention\":\"GL\",\"window\":8}");

    CliRun r =
        CliRun.of(
            "agent",
            "--once",
            "--candidate",
            candidate.toString(),
            "--threads",
            "1",
            "--objectives",
            "PREFILL@16,DECODE@32",
            "--protocol",
            "fixed",
            "--runs",
            "3",
            "--warmup",
            "1",
            "--json");

    assertEquals(0, r.exit(), r.err());
    List<Measurement> lines =
        r.out().lines().map(l -> MeasurementJson.parse(l, Limits.DEFAULTS)).toList();
    assertEquals(2, lines.size());
    assertEquals(Phase.PREFILL, lines.get(0).phase());
    assertEquals(16, lines.get(0).contextLength());
    assertEquals(Phase.DECODE, lines.get(1).phase());
    assertEquals(32, lines.get(1).contextLength());
    for (Measurement m : lines) {
      assertEquals(3, m.samplesMs().size());
      assertEquals("java-cpu", m.target().runtime());
      assertEquals("GL", m.candidate().attentionPattern());
      assertEquals(1, m.threads());
      assertTrue(m.samplesMs().contains(m.latencyMs()), "the median is one of the samples");
    }
  }

  @Test
  void shouldSayWhichOptionsGivenDoNothingInThisRun() throws Exception {
    Path candidate =
        Files.writeString(
            dir.resolve("tiny.json"),
            "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,\"ffnDim\":128,"
                + "\"vocabSize\":100,\"attention\":\"GG\"}");

    CliRun r =
        CliRun.of(
            "agent",
            "--once",
            "--candidate",
            candidate.toString(),
            "--threads",
            "1",
            "--objectives",
            "DECODE@16",
            "--runs",
            "3",
            "--warmup",
            "0",
            "--max-runs",
            "8",
            "--max-measured-context",
            "1024",
            "--json");

    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.err()
            .contains(
                "warning: --runs and --warmup apply to --protocol fixed, not to adaptive, which is"
                    + " used"),
        r.err());
    assertTrue(
        r.err()
            .contains(
                "warning: --max-measured-context applies to requests from Kafka, not to --once,"
                    + " which times what it is given"),
        r.err());
  }

  @Test
  void shouldMeasureManyCandidatesFollowingTheDevicesSpeedWithTheReference() throws Exception {
    Path candidates =
        Files.writeString(
            dir.resolve("two.jsonl"),
            "{\"candidateId\":\"first\",\"objectives\":[\"DECODE@16\"],\"candidate\":"
                + "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,"
                + "\"ffnDim\":128,\"vocabSize\":100,\"attention\":\"GS\"}}\n"
                + "\n"
                + "{\"layers\":3,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":2,\"headDim\":32,"
                + "\"ffnDim\":192,\"vocabSize\":200,\"attention\":\"GGS\"}\n");

    CliRun r =
        CliRun.of(
            "agent",
            "--once",
            "--candidates",
            candidates.toString(),
            "--threads",
            "1",
            "--objectives",
            "PREFILL@16,DECODE@32",
            "--protocol",
            "fixed",
            "--runs",
            "3",
            "--warmup",
            "0",
            "--json");

    assertEquals(0, r.exit(), r.err());
    List<Measurement> lines =
        r.out().lines().map(l -> MeasurementJson.parse(l, Limits.DEFAULTS)).toList();
    assertEquals(
        List.of("first DECODE@16", "two-3 PREFILL@16", "two-3 DECODE@32"),
        lines.stream().map(m -> m.candidateId() + " " + m.objective()).toList(),
        "a line's own objectives, else --objectives; a line without an id is named by its number");
    for (Measurement m : lines) {
      assertTrue(m.environment().containsKey("protocol.speedFactor"), m.environment().toString());
      assertTrue(m.environment().containsKey("calibrationMs"), m.environment().toString());
    }
    assertTrue(r.err().contains("[2/2] two-3 DECODE@32"), "progress on stderr: " + r.err());
  }

  @Test
  void shouldReportAndSkipACandidateThatFailsAndFailAtTheEnd() throws Exception {
    Path candidates =
        Files.writeString(
            dir.resolve("two.jsonl"),
            "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,"
                + "\"ffnDim\":128,\"vocabSize\":100,\"attention\":\"GG\"}\n"
                + "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,"
                + "\"ffnDim\":128,\"vocabSize\":100,\"attention\":\"GS\"}\n");

    CliRun r =
        CliRun.of(
            "agent",
            "--once",
            "--no-reference",
            "--runner",
            "cmd",
            "--command",
            // two hours for the first candidate, beyond the limits; 5 ms for the second
            "grep -q GG \"$HILNAS_CANDIDATE_FILE\" && echo '{\"latencyMs\":{\"PREFILL@100\":[7200000]}}'"
                + " || echo '{\"latencyMs\":{\"PREFILL@100\":[5]}}'",
            "--candidates",
            candidates.toString(),
            "--objectives",
            "PREFILL@100",
            "--protocol",
            "fixed",
            "--runs",
            "1",
            "--json");

    assertEquals(1, r.exit(), r.err());
    Measurement m = MeasurementJson.parse(r.out().strip(), Limits.DEFAULTS);
    assertEquals("two-2", m.candidateId());
    assertEquals(5, m.latencyMs(), 1e-9);
    assertTrue(r.err().contains("[1/2] two-1 failed: latencyMs must be at most"), r.err());
    assertTrue(r.err().contains("1 of 2 candidates failed"), r.err());
  }

  @Test
  void shouldTimeWithAnExternalCommandUnderTheRuntimeNameGiven() throws Exception {
    Path candidate =
        Files.writeString(
            dir.resolve("tiny.json"),
            "{\"layers\":3,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,\"ffnDim\":128,"
                + "\"vocabSize\":100,\"attention\":\"GLS\",\"window\":8}");
    String example =
        Path.of("..", "tools", "runners", "example-runner.sh").toAbsolutePath().toString();

    CliRun r =
        CliRun.of(
            "agent",
            "--once",
            "--runner",
            "cmd",
            "--command",
            example,
            "--runtime",
            "example",
            "--hardware",
            "lab-box",
            "--candidate",
            candidate.toString(),
            "--objectives",
            "PREFILL@100",
            "--protocol",
            "fixed",
            "--runs",
            "3",
            "--json");

    assertEquals(0, r.exit(), r.err());
    Measurement m = MeasurementJson.parse(r.out().strip(), Limits.DEFAULTS);
    assertEquals("lab-box/example", m.target().id());
    assertEquals(
        3.03,
        m.latencyMs(),
        1e-9); // the example: 3 layers × 100 tokens × 0.01 ms, +1% on the 2nd run
  }

  @Test
  void shouldMeasureInLlamaCppWithTheAdaptiveProtocolRecordingItsStatistics() throws Exception {
    Path candidate =
        Files.writeString(
            dir.resolve("small.json"),
            "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,\"ffnDim\":128,"
                + "\"vocabSize\":300,\"attention\":\"GS\"}");

    CliRun r =
        CliRun.of(
            "agent",
            "--once",
            "--runner",
            "llama.cpp",
            "--weight-type",
            "q4_0",
            "--candidate",
            candidate.toString(),
            "--threads",
            "1",
            "--objectives",
            "PREFILL@32,DECODE@32",
            "--max-runs",
            "8",
            "--json");

    assertEquals(0, r.exit(), r.err());
    List<Measurement> lines =
        r.out().lines().map(l -> MeasurementJson.parse(l, Limits.DEFAULTS)).toList();
    assertEquals(2, lines.size());
    for (Measurement m : lines) {
      assertTrue(m.target().runtime().startsWith("llama.cpp-b"), m.target().runtime());
      assertEquals("q4_0", m.target().precision());
      assertEquals("adaptive", m.environment().get("protocol"));
      assertEquals(Integer.toString(m.samplesMs().size()), m.environment().get("protocol.samples"));
      assertTrue(m.samplesMs().size() >= 6 && m.samplesMs().size() <= 8, m.samplesMs().toString());
      assertTrue(m.samplesMs().contains(m.latencyMs()), "the median is one of the samples");
    }
  }

  @Test
  void shouldMeasureCandidatesInLlamaCppWorkersRecycledAsOftenAsAsked() throws Exception {
    String shape =
        "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,"
            + "\"vocabSize\":300,\"attention\":\"GG\",\"ffnDim\":";
    Path candidates =
        Files.writeString(dir.resolve("two.jsonl"), shape + "128}\n" + shape + "192}\n");

    CliRun r =
        CliRun.of(
            "agent",
            "--once",
            "--runner",
            "llama.cpp",
            "--llama-recycle",
            "1",
            "--no-reference",
            "--candidates",
            candidates.toString(),
            "--threads",
            "1",
            "--objectives",
            "PREFILL@32",
            "--protocol",
            "fixed",
            "--runs",
            "2",
            "--warmup",
            "0",
            "--json");

    assertEquals(0, r.exit(), r.err());
    List<Measurement> measured =
        r.out().lines().map(l -> MeasurementJson.parse(l, Limits.DEFAULTS)).toList();
    assertEquals(
        List.of("two-1", "two-2"), measured.stream().map(Measurement::candidateId).toList());
    assertEquals(
        List.of("1", "2"),
        measured.stream().map(m -> m.environment().get("llama.cpp.worker")).toList(),
        "each candidate in a worker of its own");
    assertEquals(
        "error: --llama-recycle must be >= 1, got 0",
        CliRun.of("agent", "--runner", "llama.cpp", "--llama-recycle", "0").err().strip());
  }

  @Test
  void shouldRefuseACandidateBeyondTheLimitsBeforeTimingIt() throws Exception {
    Path deep =
        Files.writeString(
            dir.resolve("deep.json"),
            "{\"layers\":2000,\"dModel\":64,\"nHeads\":2,\"headDim\":32,\"ffnDim\":128,"
                + "\"vocabSize\":100}");

    CliRun r = CliRun.of("agent", "--once", "--candidate", deep.toString());

    assertEquals(2, r.exit());
    assertEquals("error: candidate: layers must be at most 1024, got 2000", r.err().strip());
  }

  @Test
  void shouldRefuseATimingBeyondTheLatencyLimit() throws Exception {
    Path candidate =
        Files.writeString(
            dir.resolve("tiny.json"),
            "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"headDim\":32,\"ffnDim\":128,"
                + "\"vocabSize\":100}");

    CliRun r =
        CliRun.of(
            "agent",
            "--once",
            "--runner",
            "cmd",
            "--command",
            "echo '{\"latencyMs\":{\"PREFILL@100\":[7200000]}}'",
            "--candidate",
            candidate.toString(),
            "--objectives",
            "PREFILL@100");

    assertEquals(2, r.exit());
    assertEquals("error: latencyMs must be at most 3600000, got 7200000.0", r.err().strip());
  }

  @Test
  void shouldSayWhatARunnerNeeds() {
    CliRun r = CliRun.of("agent", "--runner", "cmd");
    assertEquals(2, r.exit());
    assertEquals(
        "error: --command goes with --runner cmd, and --runner cmd needs --command",
        r.err().strip());
    assertEquals(
        "error: --runner must be java-cpu, llama.cpp or cmd, got tflite",
        CliRun.of("agent", "--runner", "tflite").err().strip());
    assertEquals(
        "error: --max-measured-context must be >= 0 (0 leaves nothing out), got -1",
        CliRun.of("agent", "--max-measured-context", "-1").err().strip());
  }

  @Test
  void shouldPutThePrecisionGivenIntoTheTargetOfACommandsMeasurements() throws Exception {
    Path candidate =
        Files.writeString(
            dir.resolve("tiny.json"),
            "{\"layers\":2,\"dModel\":64,\"nHeads\":2,\"nKvHeads\":1,\"headDim\":32,\"ffnDim\":128,"
                + "\"vocabSize\":100,\"attention\":\"GL\",\"window\":8}");
    String example =
        Path.of("..", "tools", "runners", "example-runner.sh").toAbsolutePath().toString();

    CliRun r =
        CliRun.of(
            "agent",
            "--once",
            "--runner",
            "cmd",
            "--command",
            example,
            "--runtime",
            "llama.cpp",
            "--precision",
            "q4_0",
            "--hardware",
            "lab-box",
            "--candidate",
            candidate.toString(),
            "--objectives",
            "PREFILL@100,DECODE@100",
            "--runs",
            "1",
            "--json");

    assertEquals(0, r.exit(), r.err());
    List<Measurement> lines =
        r.out().lines().map(l -> MeasurementJson.parse(l, Limits.DEFAULTS)).toList();
    assertEquals(2, lines.size());
    for (Measurement m : lines) {
      assertEquals("lab-box/llama.cpp/q4_0", m.target().id());
      assertEquals("q4_0", m.target().precision());
    }
    assertTrue(r.out().contains("\"precision\":\"q4_0\""), r.out());
  }

  @Test
  void shouldRefuseAPrecisionTheJavaRuntimeDoesNotRunAndABadOne() {
    CliRun other = CliRun.of("agent", "--once", "--precision", "int8", "--candidate", "x.json");
    assertEquals(2, other.exit());
    assertEquals(
        "error: --runner java-cpu runs fp32 only, got --precision int8", other.err().strip());

    CliRun bad =
        CliRun.of(
            "agent",
            "--once",
            "--runner",
            "cmd",
            "--command",
            "true",
            "--precision",
            "q4/0",
            "--candidate",
            "x.json");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("precision"), bad.err());
  }
}
