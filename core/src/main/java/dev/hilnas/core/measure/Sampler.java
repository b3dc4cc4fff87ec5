package dev.hilnas.core.measure;

import java.util.List;

/** Times one candidate on one objective, e.g. a {@link dev.hilnas.core.Runner} bound to both. */
@FunctionalInterface
public interface Sampler {

  /**
   * @return one latency per timed repetition, ms, after {@code warmups} untimed runs
   */
  List<Double> run(int warmups, int repetitions);
}
