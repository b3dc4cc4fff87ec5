package dev.hilnas.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Executes candidates on a device and times them. Implementations say their thread-safety. */
public interface Runner {

  /**
   * @return one latency per timed repetition, ms, after the warm-ups
   */
  List<Double> time(Candidate candidate, Objective objective, int warmups, int repetitions);

  /**
   * Every objective of one candidate; runners that pay a set-up per candidate (an external process,
   * a model load) time them all in one go.
   */
  default Map<Objective, List<Double>> timeAll(
      Candidate candidate, List<Objective> objectives, int warmups, int repetitions) {
    Map<Objective, List<Double>> out = new LinkedHashMap<>();
    for (Objective o : objectives) {
      out.put(o, time(candidate, o, warmups, repetitions));
    }
    return out;
  }

  /** The runtime name that goes into the hardware target, e.g. {@code java-cpu}. */
  String runtime();

  /**
   * Facts about how the last candidate ran, for its measurements' environment (e.g. what a runtime
   * ran in place of a layer it cannot run exactly); empty by default.
   */
  default Map<String, String> environment() {
    return Map.of();
  }

  /**
   * Facts about how the last candidate ran at {@code objective}, asked once per measurement, after
   * its timing: a runner may count per objective and start again once asked. {@link #environment()}
   * by default.
   */
  default Map<String, String> environment(Objective objective) {
    return environment();
  }
}
