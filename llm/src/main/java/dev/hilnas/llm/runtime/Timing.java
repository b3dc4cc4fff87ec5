package dev.hilnas.llm.runtime;

import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Times a decoder on one objective: PREFILL of {@code contextLength} tokens, or DECODE of one token
 * against a cache of {@code contextLength}; a sample of a run shorter than a millisecond is the
 * mean of enough runs back to back to take one. Warm-up runs first (JIT, caches), then the timed
 * repetitions, each taken again when the thread did not run for (nearly) all of it, given the
 * thread's CPU clock; the clocks are injected so tests need not sleep. It keeps the last decoder's
 * session between calls ({@link #prepare}), so it is not thread-safe, and holds that decoder until
 * {@link #forget}.
 */
public final class Timing {

  /**
   * Warm-up goes on for at least this long (when there is any): the JIT compiles the decode loops
   * only after some dozens of tokens. Measured on the shipped backbone, DECODE@512 took 2.9 ms
   * after 1 warm-up, 2.5 after 10 and 1.9 after 30 (about 60 ms).
   */
  static final long MIN_WARMUP_NANOS = 200_000_000;

  private static final int MAX_WARMUP_SAMPLES = 1000;

  /**
   * A sample lasts at least this long: a token of a small candidate decodes in 50-300 us, and one
   * such run timed alone varied by about 30% from the next on a shared machine (in the demo, 262 of
   * 281 DECODE measurements reached the protocol's 30 samples with their median's interval still
   * twice as wide as asked).
   */
  static final long MIN_SAMPLE_NANOS = 1_000_000;

  /** Bounds a sample of runs that take (next to) no time: 64 of the smallest took about 3 ms. */
  static final int MAX_RUNS_PER_SAMPLE = 64;

  /**
   * A timed sample counts only when the timing thread ran for at least this share of it: one the
   * scheduler cut into timed the wait as well. Under two busy processes on a 2-core machine 14% of
   * 1 ms DECODE samples ran less than this, some of them 10x as long as the rest; left out, the
   * samples' 95th percentile fell from 5.6x their 5th to 1.6x.
   */
  static final double MIN_ON_CPU = 0.95;

  /**
   * Takes of one sample at most; the last stands, so a thread that never runs a whole sample is
   * still measured, and the samples' spread says how. Beside two busy processes on a 2-core machine
   * a PREFILL sample of some ms needed 3–5 takes on average, a candidate 28% more time, and its
   * median's interval came out a tenth as wide; stopping after a sample that needed them all lost
   * that.
   */
  static final int MAX_TAKES = 8;

  private final LongSupplier nanoTime;

  /** Empty when every sample is taken as it comes. */
  private final Optional<LongSupplier> cpuTime;

  /** Samples of each objective taken again since its count was last reported. */
  private final Map<Objective, Integer> retaken = new HashMap<>();

  private Prepared prepared;

  /** A decoder's session and prompt for one objective, the cache filled for DECODE. */
  record Prepared(Decoder decoder, Objective objective, Decoder.Session session, int[] prompt) {}

  /**
   * A timing that takes every sample as it comes.
   *
   * @param nanoTime a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
   */
  public Timing(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.cpuTime = Optional.empty();
  }

  /**
   * @param nanoTime a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
   * @param cpuTime the timing thread's CPU time in nanoseconds: a sample during which it moved less
   *     than {@link #MIN_ON_CPU} of {@code nanoTime} is taken again. Only for a decoder that runs
   *     on the timing thread alone.
   */
  public Timing(LongSupplier nanoTime, LongSupplier cpuTime) {
    this.nanoTime = nanoTime;
    this.cpuTime = Optional.of(cpuTime);
  }

  /**
   * @return one latency per repetition, ms, in the order measured
   */
  public List<Double> measure(Decoder decoder, Objective objective, int warmups, int repetitions) {
    Prepared p = prepare(decoder, objective);
    long warm = 0;
    for (int r = 0;
        r < warmups || (warmups > 0 && warm < MIN_WARMUP_NANOS && r < MAX_WARMUP_SAMPLES);
        r++) {
      warm += sample(p).nanos();
    }
    List<Double> samples = new ArrayList<>();
    for (int r = 0; r < repetitions; r++) {
      samples.add(wholeSample(p).perRunMs());
    }
    return samples;
  }

  /**
   * Timed samples of {@code objective} (the protocol's warm-up windows included) taken again
   * because the thread did not run for the whole of them, since this was last asked for it or the
   * decoder changed; asking starts the count again.
   */
  public int reportRetaken(Objective objective) {
    Integer count = retaken.remove(objective);
    return count == null ? 0 : count;
  }

  /** A sample the timing thread ran for (nearly) all of, or the last of {@link #MAX_TAKES}. */
  private Sample wholeSample(Prepared p) {
    if (cpuTime.isEmpty()) {
      return sample(p);
    }
    LongSupplier cpu = cpuTime.get();
    for (int take = 1; ; take++) {
      long cpuStart = cpu.getAsLong();
      Sample s = sample(p);
      if (cpu.getAsLong() - cpuStart >= MIN_ON_CPU * s.nanos() || take == MAX_TAKES) {
        return s;
      }
      retaken.merge(p.objective(), 1, Integer::sum);
    }
  }

  /** Lets go of the last decoder and its session, before another decoder is built. */
  public void forget() {
    prepared = null;
  }

  /**
   * The session to time {@code objective} on, kept from the last call when it timed the same
   * decoder and objective: a protocol that samples in small batches calls again and again, and
   * filling a DECODE cache anew before each batch evicted what the runs before had warmed (the
   * first decode after it ran up to 2x slower, so samples of one candidate spread 3x).
   */
  Prepared prepare(Decoder decoder, Objective objective) {
    if (prepared != null
        && prepared.decoder() == decoder
        && prepared.objective().equals(objective)) {
      return prepared;
    }
    if (prepared == null || prepared.decoder() != decoder) {
      retaken.clear(); // counts of another candidate
    }
    int context = objective.contextLength();
    Decoder.Session session = decoder.newSession(context + 1);
    int[] prompt = new int[context];
    for (int i = 0; i < context; i++) {
      prompt[i] = (i * 7919) % decoder.vocab; // any tokens: latency does not depend on them
    }
    if (objective.phase() == Phase.DECODE) {
      decoder.prefill(session, prompt); // the cache to decode against, filled once
    }
    prepared = new Prepared(decoder, objective, session, prompt);
    return prepared;
  }

  /** A sample: how long its runs took together, and how many there were. */
  private record Sample(long nanos, int runs) {
    double perRunMs() {
      return nanos / 1e6 / runs;
    }
  }

  /**
   * One timed sample: as many runs back to back as take {@link #MIN_SAMPLE_NANOS} (one when a run
   * takes longer), at most {@link #MAX_RUNS_PER_SAMPLE}.
   */
  private Sample sample(Prepared p) {
    Decoder decoder = p.decoder();
    Decoder.Session session = p.session();
    Objective objective = p.objective();
    long start = nanoTime.getAsLong();
    long elapsed;
    int runs = 0;
    do {
      if (objective.phase() == Phase.PREFILL) {
        session.reset();
        decoder.prefill(session, p.prompt());
      } else {
        session.position = objective.contextLength(); // decode at the same cache length every time
        decoder.decode(session, 1);
      }
      runs++;
      elapsed = nanoTime.getAsLong() - start;
    } while (elapsed < MIN_SAMPLE_NANOS && runs < MAX_RUNS_PER_SAMPLE);
    return new Sample(elapsed, runs);
  }
}
