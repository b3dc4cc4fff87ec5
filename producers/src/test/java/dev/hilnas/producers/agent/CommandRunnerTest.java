package dev.hilnas.producers.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {

  private static final Candidate CANDIDATE =
      Candidate.builder()
          .layers(4)
          .dModel(64)
          .heads(2, 1)
          .headDim(32)
          .ffnDim(128)
          .vocabSize(100)
          .attention("GLSG")
          .window(8)
          .build();
  private static final List<Objective> OBJECTIVES =
      List.of(Objective.parse("PREFILL@256"), Objective.parse("DECODE@512"));
  private static final String EXAMPLE =
      Path.of("..", "tools", "runners", "example-runner.sh").toAbsolutePath().toString();

  private static RuntimeException failure(String command) {
    return assertThrows(
        RuntimeException.class,
        () ->
            new CommandRunner(command, Duration.ofSeconds(5)).timeAll(CANDIDATE, OBJECTIVES, 1, 3));
  }

  @Test
  void theShippedExampleRunnerFeedsTheMeasurerAllObjectivesInOneRun() {
    Measurer measurer =
        new Measurer(
            new Measurer.Settings(
                new HardwareTarget("box", "example", null),
                OBJECTIVES,
                1,
                3,
                "agent-1",
                1,
                Map.of()),
            Limits.DEFAULTS,
            new CommandRunner(EXAMPLE, Duration.ofSeconds(30)),
            Clock.systemUTC());
    List<Measurement> measured = measurer.measure(CANDIDATE, "c1", OBJECTIVES);
    assertEquals(2, measured.size());
    // the example "measures" layers × context × 0.01 ms (prefill) or 0.001 ms (decode), +1% per
    // repetition
    assertEquals(List.of(10.24, 10.3424, 10.4448), measured.get(0).samplesMs());
    assertEquals(10.3424, measured.get(0).latencyMs());
    assertEquals(2.0685, measured.get(1).latencyMs()); // printed to 4 decimals
  }

  @Test
  void theCandidateArrivesOnStdinAndInTheNamedFile() {
    String echo =
        "cmp -s - \"$HILNAS_CANDIDATE_FILE\" && grep -q '\"attention\":\"GLSG\"' \"$HILNAS_CANDIDATE_FILE\" && "
            + "echo '{\"latencyMs\":{\"PREFILL@256\":1.5,\"DECODE@512\":[0.5,0.6]}}'";
    var timed = new CommandRunner(echo, Duration.ofSeconds(5)).timeAll(CANDIDATE, OBJECTIVES, 1, 3);
    assertEquals(List.of(1.5), timed.get(OBJECTIVES.get(0)));
    assertEquals(List.of(0.5, 0.6), timed.get(OBJECTIVES.get(1)));
  }

  @Test
  void failuresSayWhatWentWrong() {
    assertTrue(
        failure("echo 'no such device' >&2; exit 3")
            .getMessage()
            .contains("exited with 3: no such device"));
    assertTrue(failure("echo hello").getMessage().contains("did not print JSON: hello"));
    assertTrue(
        failure("echo '{\"latencyMs\":{\"PREFILL@256\":1}}'")
            .getMessage()
            .contains("latencyMs.DECODE@512 as a number or a list of numbers > 0, got nothing"));
    assertTrue(
        failure("echo '{\"latencyMs\":{\"PREFILL@256\":-1,\"DECODE@512\":1}}'")
            .getMessage()
            .contains("got -1"));
    RuntimeException slow =
        assertThrows(
            RuntimeException.class,
            () ->
                new CommandRunner("sleep 5", Duration.ofMillis(300))
                    .timeAll(CANDIDATE, OBJECTIVES, 1, 3));
    assertTrue(slow.getMessage().contains("timed out"), slow.getMessage());
  }

  /**
   * The command starts a shell that leaves a sleep in the background and becomes another sleep;
   * both would outlive the command's own shell by ten minutes.
   */
  @Test
  void aCommandThatTimesOutIsKilledWithEverythingItStarted(@TempDir Path dir) throws Exception {
    Path pids = dir.resolve("pids");
    String spawner =
        "sh -c 'sleep 600 & echo $! >> " + pids + "; echo $$ >> " + pids + "; exec sleep 600'";
    RuntimeException slow =
        assertThrows(
            RuntimeException.class,
            () ->
                new CommandRunner(spawner, Duration.ofSeconds(2))
                    .timeAll(CANDIDATE, OBJECTIVES, 1, 3));
    assertEquals("runner command timed out after PT2S: " + spawner, slow.getMessage());
    List<Long> started = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
    assertEquals(2, started.size());
    for (long pid : started) {
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " lives");
    }
  }
}
