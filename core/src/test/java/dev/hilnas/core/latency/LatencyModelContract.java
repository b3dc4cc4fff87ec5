package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every {@link LatencyModel} promises; each implementation's test extends this. */
abstract class LatencyModelContract {

  /** A model fitted on {@code measurements} (which hold PREFILL points only when asked). */
  abstract LatencyModel fit(List<Measurement> measurements);

  private final List<Measurement> device =
      SimulatedDevice.additive().withNoise(0.05).measure(40, 7);

  @Test
  void shouldPredictFinitePositiveLatencyInsideItsInterval() {
    LatencyModel model = fit(device);
    Random random = new Random(3);
    for (int i = 0; i < 50; i++) {
      Candidate c = SimulatedDevice.randomCandidate(random);
      for (Phase phase : Phase.values()) {
        LatencyPrediction p = model.predict(c, phase, 512);
        assertTrue(Double.isFinite(p.latencyMs()) && p.latencyMs() > 0, p.toString());
        assertTrue(p.lowMs() <= p.latencyMs() && p.latencyMs() <= p.highMs(), p.toString());
        assertEquals(p.latencyMs(), model.predictMs(c, phase, 512), 0, "hot path agrees");
      }
    }
  }

  @Test
  void shouldRefuseAPhaseItHasNoDataFor() {
    LatencyModel model = fit(device.stream().filter(m -> m.phase() == Phase.PREFILL).toList());
    assertTrue(model.covers(Phase.PREFILL));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.predict(device.get(0).candidate(), Phase.DECODE, 128));
    assertEquals("the model has no DECODE measurements yet", e.getMessage());
  }

  @Test
  void shouldPredictFromASingleMeasurement() {
    Measurement only = device.get(0);
    LatencyModel model = fit(List.of(only));
    double ms = model.predictMs(only.candidate(), only.phase(), only.contextLength());
    assertEquals(only.latencyMs(), ms, only.latencyMs() * 0.01, "reproduces its one point");
  }
}
