package dev.hilnas.llm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class TimingTest {

  /** A candidate that decodes in microseconds. */
  static final Candidate TINY =
      Candidate.builder()
          .layers(2)
          .dModel(32)
          .heads(2, 1)
          .headDim(16)
          .ffnDim(64)
          .vocabSize(40)
          .attention("GL")
          .window(4)
          .build();

  /** A timing whose clock moves by {@code nanosPerRun} at each reading, which it counts. */
  private static Timing counting(int[] readings, long nanosPerRun) {
    long[] now = {0};
    return new Timing(
        () -> {
          readings[0]++;
          return now[0] += nanosPerRun;
        });
  }

  @Test
  void shouldReportOnlyTheTimedRepetitionsInMilliseconds() {
    long[] now = {0};
    // every reading of the clock moves it by 1.5 ms: each run measures exactly 1.5 ms
    Timing timing = new Timing(() -> now[0] += 1_500_000);
    try (Decoder decoder = new Decoder(TINY, 1, 1)) {
      List<Double> samples = timing.measure(decoder, Objective.parse("PREFILL@8"), 2, 3);
      assertEquals(List.of(1.5, 1.5, 1.5), samples, "warm-ups not reported");
    }
  }

  @Test
  void shouldWarmUpForAtLeastTheMinimumTimeAndNotAtAllWhenAskedForNone() {
    int[] readings = {0};
    Timing timing = counting(readings, 1_500_000); // every run takes 1.5 ms
    try (Decoder decoder = new Decoder(TINY, 1, 1)) {
      timing.measure(decoder, Objective.parse("DECODE@4"), 2, 3);
      long warmUps = (Timing.MIN_WARMUP_NANOS + 1_499_999) / 1_500_000;
      assertEquals(2 * (warmUps + 3), readings[0], "two readings per run");
      readings[0] = 0;
      timing.measure(decoder, Objective.parse("DECODE@4"), 0, 3);
      assertEquals(2 * 3, readings[0]);
    }
  }

  @Test
  void shouldMakeASampleOfRunsShorterThanAMillisecondTheMeanOfEnoughToTakeOne() {
    int[] readings = {0};
    Timing timing = counting(readings, 250_000); // every run takes 0.25 ms
    try (Decoder decoder = new Decoder(TINY, 1, 1)) {
      List<Double> samples = timing.measure(decoder, Objective.parse("DECODE@4"), 0, 3);
      assertEquals(List.of(0.25, 0.25, 0.25), samples, "the mean run");
      assertEquals(3 * (1 + 4), readings[0], "four runs to a sample");

      readings[0] = 0;
      timing.measure(decoder, Objective.parse("DECODE@4"), 1, 0);
      assertEquals(
          Timing.MIN_WARMUP_NANOS / 1_000_000 * 5, readings[0], "warm-up counts every run's time");

      Timing stopped = new Timing(() -> 0); // runs that take no time: the cap ends a sample
      assertEquals(List.of(0.0), stopped.measure(decoder, Objective.parse("DECODE@4"), 0, 1));
    }
  }

  /**
   * Clocks for samples of one 1 ms run each: a sample the thread ran whole lasts 1.5 ms on the wall
   * clock and as long on its CPU clock; a cut one ({@code false}) lasts 4.5 ms, of which the thread
   * ran 1.5. The {@code wholes} are the samples in the order taken; the last repeats.
   */
  private static Timing cutAt(boolean... wholes) {
    long[] wall = {0};
    long[] cpu = {0};
    int[] readings = {0};
    LongSupplier wallClock =
        () -> {
          // a sample reads the wall clock twice, at its start and after its run
          int sample = readings[0]++ / 2;
          boolean whole = wholes[Math.min(sample, wholes.length - 1)];
          return readings[0] % 2 == 0 ? wall[0] += whole ? 1_500_000 : 4_500_000 : wall[0];
        };
    LongSupplier cpuClock = () -> cpu[0] += 1_500_000; // 1.5 ms from one reading to the next
    return new Timing(wallClock, cpuClock);
  }

  @Test
  void shouldTakeAgainASampleTheThreadDidNotRunForWhole() {
    // the 2nd and 3rd samples were cut: the scheduler gave the thread's core away
    Timing timing = cutAt(true, false, false, true, true);
    try (Decoder decoder = new Decoder(TINY, 1, 1)) {
      Objective prefill = Objective.parse("PREFILL@8");
      List<Double> samples = timing.measure(decoder, prefill, 0, 3);

      assertEquals(List.of(1.5, 1.5, 1.5), samples, "no cut sample kept");
      assertEquals(2, timing.reportRetaken(prefill));
      assertEquals(0, timing.reportRetaken(prefill), "asking starts the count again");
    }
  }

  @Test
  void shouldKeepTheLastTakeOfASampleTheThreadNeverRanWhole() {
    Timing timing = cutAt(false);
    try (Decoder decoder = new Decoder(TINY, 1, 1)) {
      Objective prefill = Objective.parse("PREFILL@8");
      assertEquals(List.of(4.5, 4.5), timing.measure(decoder, prefill, 0, 2));
      assertEquals(2 * (Timing.MAX_TAKES - 1), timing.reportRetaken(prefill));
    }
  }

  @Test
  void shouldCountRetakesPerObjectiveAndForgetThemWithTheCandidate() {
    Timing timing = cutAt(false, true, false, true);
    try (Decoder decoder = new Decoder(TINY, 1, 1);
        Decoder other = new Decoder(TINY, 1, 1)) {
      Objective prefill = Objective.parse("PREFILL@8");
      Objective decode = Objective.parse("DECODE@4");
      timing.measure(decoder, prefill, 0, 1);
      timing.measure(decoder, decode, 0, 1);
      assertEquals(1, timing.reportRetaken(decode), "its own retake, not prefill's as well");

      timing.measure(other, decode, 0, 1);
      assertEquals(0, timing.reportRetaken(prefill), "another candidate: counted anew");
    }
  }

  @Test
  void shouldDecodeAtTheSameCacheLengthEveryRepetition() {
    try (Decoder decoder = new Decoder(TINY, 1, 1)) {
      List<Double> samples =
          new Timing(System::nanoTime).measure(decoder, Objective.parse("DECODE@6"), 1, 4);
      assertEquals(4, samples.size(), "no repetition ran out of cache (capacity is context + 1)");
    }
  }

  @Test
  void shouldKeepTheFilledCacheBetweenCallsOnTheSameDecoderAndObjective() {
    Timing timing = new Timing(System::nanoTime);
    try (Decoder decoder = new Decoder(TINY, 1, 1);
        Decoder other = new Decoder(TINY, 1, 1)) {
      Objective decode = Objective.parse("DECODE@6");
      Timing.Prepared first = timing.prepare(decoder, decode);
      timing.measure(decoder, decode, 0, 2);
      assertSame(
          first, timing.prepare(decoder, decode), "the next batch decodes on the same cache");
      assertNotSame(first, timing.prepare(decoder, Objective.parse("DECODE@5")), "another length");
      assertNotSame(first, timing.prepare(other, decode), "another decoder");
      Timing.Prepared onOther = timing.prepare(other, decode);
      timing.forget();
      assertNotSame(onOther, timing.prepare(other, decode), "forgotten: prepared anew");
    }
  }
}
