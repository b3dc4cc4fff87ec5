package dev.hilnas.core.runtime;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import java.util.List;

/** Executes candidates on a device and times them. Implementations say their thread-safety. */
public interface Runner {

  /** @return one latency per timed repetition, ms, after the warm-ups */
  List<Double> time(Candidate candidate, Objective objective, int warmups, int repetitions);

  /** The runtime name that goes into the hardware target, e.g. {@code java-cpu}. */
  String runtime();
}
