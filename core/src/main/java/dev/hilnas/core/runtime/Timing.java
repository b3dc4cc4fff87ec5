package dev.hilnas.core.runtime;

import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Times a decoder on one objective: PREFILL of {@code contextLength} tokens, or DECODE of one
 * token against a cache of {@code contextLength}. Warm-up runs first (JIT, caches), then the timed
 * repetitions; the clock is injected so tests need not sleep.
 */
public final class Timing {

  private final LongSupplier nanoTime;

  /** @param nanoTime a monotonic clock in nanoseconds, e.g. {@code System::nanoTime} */
  public Timing(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** @return one latency per repetition, ms, in the order measured */
  public List<Double> measure(Decoder decoder, Objective objective, int warmups, int repetitions) {
    int context = objective.contextLength();
    Decoder.Session session = decoder.newSession(context + 1);
    int[] prompt = new int[context];
    for (int i = 0; i < context; i++) {
      prompt[i] = (i * 7919) % decoder.vocab; // any tokens: latency does not depend on them
    }
    if (objective.phase() == Phase.DECODE) {
      decoder.prefill(session, prompt); // the cache to decode against, filled once
    }
    List<Double> samples = new ArrayList<>();
    for (int r = -warmups; r < repetitions; r++) {
      long start = nanoTime.getAsLong();
      if (objective.phase() == Phase.PREFILL) {
        session.reset();
        decoder.prefill(session, prompt);
      } else {
        session.position = context; // decode at the same cache length every time
        decoder.decode(session, 1);
      }
      long elapsed = nanoTime.getAsLong() - start;
      if (r >= 0) {
        samples.add(elapsed / 1e6);
      }
    }
    return samples;
  }
}
