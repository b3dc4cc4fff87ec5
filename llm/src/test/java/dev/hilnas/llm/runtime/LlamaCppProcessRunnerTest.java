package dev.hilnas.llm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.llm.runtime.LlamaCppProcessRunner.Recycling;
import dev.hilnas.llm.runtime.gguf.GgmlType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * End to end through a llama.cpp worker process: candidates timed there as in-process (see {@link
 * LlamaCppRunnerTest}), a fresh worker between candidates when one is due, and a fresh worker after
 * one dies.
 */
class LlamaCppProcessRunnerTest {

  private static final Objective PREFILL = new Objective(Phase.PREFILL, 32);
  private static final Objective DECODE = new Objective(Phase.DECODE, 32);

  private static Candidate small(int ffnDim) {
    return Candidate.builder()
        .layers(2)
        .dModel(64)
        .heads(4, 2)
        .headDim(16)
        .ffnDim(ffnDim)
        .vocabSize(512)
        .attention("GG")
        .weightBits(8)
        .build();
  }

  private static void assertSamples(int count, List<Double> samples) {
    assertEquals(count, samples.size());
    samples.forEach(ms -> assertTrue(ms > 0, "sample " + ms));
  }

  @Test
  void shouldTimeEachCandidateInAFreshWorkerWhenOneCandidateIsTheLimit() {
    try (LlamaCppProcessRunner runner =
        new LlamaCppProcessRunner(
            1, GgmlType.Q8_0, 7, new Recycling(1, Long.MAX_VALUE, Duration.ofMinutes(10)))) {
      assertTrue(runner.runtime().startsWith("llama.cpp-b"), runner.runtime());
      Map<Objective, List<Double>> first =
          runner.timeAll(small(128), List.of(PREFILL, DECODE), 1, 2);
      assertSamples(2, first.get(PREFILL));
      assertSamples(2, first.get(DECODE));
      assertEquals("q8_0", runner.environment().get("llama.cpp.weights"));
      long firstWorker = runner.workerProcess().pid();

      assertSamples(3, runner.time(small(128), PREFILL, 0, 3));
      assertEquals(
          firstWorker, runner.workerProcess().pid(), "the same candidate, the same worker");

      assertSamples(2, runner.time(small(192), PREFILL, 0, 2));
      assertNotEquals(
          firstWorker, runner.workerProcess().pid(), "another candidate, a fresh worker");
    }
  }

  @Test
  void shouldFailTheRequestOfAWorkerThatDiesAndStartAFreshOneForTheNext() throws Exception {
    try (LlamaCppProcessRunner runner =
        new LlamaCppProcessRunner(1, GgmlType.Q8_0, 7, Recycling.DEFAULT)) {
      assertSamples(1, runner.time(small(128), PREFILL, 0, 1));
      ProcessHandle killed = runner.workerProcess();
      killed.destroyForcibly();
      killed.onExit().get();

      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> runner.time(small(128), DECODE, 0, 1));
      assertTrue(e.getMessage().contains(small(128).archId()), e.getMessage());

      assertSamples(2, runner.time(small(128), DECODE, 0, 2));
      assertNotEquals(killed.pid(), runner.workerProcess().pid());
    }
  }

  @Test
  void shouldReplaceAWorkerThatDiedBetweenCandidatesWithoutFailing() throws Exception {
    try (LlamaCppProcessRunner runner =
        new LlamaCppProcessRunner(1, GgmlType.Q8_0, 7, Recycling.DEFAULT)) {
      ProcessHandle killed = runner.workerProcess();
      killed.destroyForcibly();
      killed.onExit().get();

      assertSamples(2, runner.time(small(128), PREFILL, 0, 2));
      assertNotEquals(killed.pid(), runner.workerProcess().pid());
    }
  }

  @Test
  void shouldCancelRatherThanFailTheRequestUnderWayWhenTheJvmExits() throws Exception {
    LlamaCppProcessRunner runner =
        new LlamaCppProcessRunner(1, GgmlType.Q8_0, 7, Recycling.DEFAULT);
    CompletableFuture<List<Double>> timing =
        CompletableFuture.supplyAsync(() -> runner.time(small(128), PREFILL, 0, 1_000_000));
    Thread.sleep(300);

    runner.kill(); // what the shutdown hook does on Ctrl-C

    ExecutionException e = assertThrows(ExecutionException.class, timing::get);
    assertInstanceOf(CancellationException.class, e.getCause(), e.getCause().toString());
    assertThrows(
        CancellationException.class,
        () -> runner.time(small(128), PREFILL, 0, 1),
        "no worker starts after the hook");
  }

  @Test
  void shouldKillAWorkerThatDoesNotAnswerInTime() {
    try (LlamaCppProcessRunner runner =
        new LlamaCppProcessRunner(
            1, GgmlType.Q8_0, 7, new Recycling(16, Long.MAX_VALUE, Duration.ofMillis(1)))) {
      ProcessHandle first = runner.workerProcess();
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> runner.time(small(128), PREFILL, 0, 1));
      assertTrue(e.getMessage().contains("did not answer within PT0.001S"), e.getMessage());
      assertFalse(first.isAlive(), "killed");
    }
  }
}
