package dev.hilnas.streams;

import java.io.Serializable;

/**
 * How often a target with many evaluated architectures re-ranks its predicted frontier points with
 * a new latency model. A re-rank predicts every evaluated architecture on every objective (about
 * 2.5 µs a point), and models come once per checkpoint interval per busy target: at 10,000
 * evaluations and 6 objectives that was 150 ms every 2 s for each busy target, enough for a few
 * busy targets to hold back the whole job. A target whose re-rank would cost more waits, with its
 * newest model in state, until a gap proportional to that cost has passed since its last re-rank.
 * Measured points are never held back: only latencies the model predicts lag.
 *
 * @param msPerPoint the gap per predicted point, in ms: 100 times a point's cost keeps re-ranking
 *     under 1% of the operator's time per target (8 busy targets at 20 times took 43% of it)
 * @param minGapMs gaps shorter than this do not hold a model back (small targets re-rank at once)
 */
record RerankPacing(double msPerPoint, long minGapMs) implements Serializable {

  /** Gaps from 2 s (about 1,300 evaluations of 6 objectives) up; 15 s at 10,000 evaluations. */
  static final RerankPacing DEFAULTS = new RerankPacing(0.25, 2_000);

  RerankPacing {
    if (!(msPerPoint >= 0) || minGapMs < 0) {
      throw new IllegalArgumentException("re-rank pacing must be >= 0");
    }
  }

  /**
   * When a target last re-ranked at {@code lastMs} (null: not since this instance started) may
   * re-rank {@code points} predicted points again; {@code Long.MIN_VALUE}: at once.
   */
  long nextMs(Long lastMs, long points) {
    long gap = (long) (points * msPerPoint);
    return lastMs == null || gap < minGapMs ? Long.MIN_VALUE : lastMs + gap;
  }
}
