package dev.hilnas.app.bench.fuzz;

import dev.hilnas.app.bench.SyntheticMeasurements;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;

/**
 * The valid measurements a path interleaves with its fuzz: varied candidates, the two phases in
 * turn so that the target soon has a latency model for both, and ids derived from labels unique to
 * the run, so that the job counts each once and nothing else the same.
 */
final class Tracers {
  private Tracers() {}

  /**
   * @param label unique to the run and path: the measurements' candidate ids are {@code label-i}
   */
  static List<Measurement> measurements(HardwareTarget target, String label, int count, long seed) {
    List<Measurement> out = new ArrayList<>(count);
    int i = 0;
    for (Measurement m : SyntheticMeasurements.generate(count, 1, seed)) {
      out.add(
          Measurement.of(
              label + "-" + i,
              m.candidate(),
              target,
              i % 2 == 0 ? Phase.PREFILL : Phase.DECODE,
              m.contextLength(),
              m.latencyMs(),
              m.samplesMs()));
      i++;
    }
    return out;
  }
}
