package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {

  @Test
  void shouldScoreEachTargetAndPhaseAndCountWhatNoModelCovers() {
    SimulatedDevice device = SimulatedDevice.additive();
    List<Measurement> train =
        device.measure(30, 1).stream().filter(m -> m.phase() == Phase.PREFILL).toList();
    List<Measurement> test = new ArrayList<>(device.measure(10, 2));
    Measurement m = test.get(0);
    HardwareTarget stranger = new HardwareTarget("stranger", "test");
    test.add(Measurement.of(null, m.candidate(), stranger, m.phase(), 64, 1.0, List.of()));

    Evaluation evaluation = Evaluation.of(train, test);

    assertEquals(1, evaluation.rows().size());
    Evaluation.Row row = evaluation.rows().get(0);
    assertEquals(SimulatedDevice.TARGET, row.target());
    assertEquals(Phase.PREFILL, row.phase());
    assertEquals(20, row.accuracy().n());
    assertEquals(20, evaluation.overall().n());
    assertEquals(
        Map.of("stranger/test PREFILL", 1, "simulated/test DECODE", 20), evaluation.skipped());
  }
}
