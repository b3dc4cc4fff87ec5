package dev.hilnas.core.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.core.latency.LatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.SimulatedDevice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrontierAssemblyTest {

  private static final Candidate SMALL =
      Candidate.builder()
          .layers(2)
          .dModel(128)
          .heads(2, 1)
          .headDim(64)
          .ffnDim(256)
          .vocabSize(8000)
          .build();
  private static final Candidate LARGE =
      Candidate.builder()
          .layers(8)
          .dModel(512)
          .heads(8, 2)
          .headDim(64)
          .ffnDim(1536)
          .vocabSize(8000)
          .build();
  private static final Objective PREFILL_256 = Objective.parse("PREFILL@256");

  private static Measurement timed(Candidate c, Phase phase, int context, double ms) {
    return Measurement.of(null, c, SimulatedDevice.TARGET, phase, context, ms, List.of());
  }

  private static Quality ppl(String id, Candidate c, double value) {
    return new Quality(id, c, Quality.PERPLEXITY, value, null, null);
  }

  @Test
  void shouldUseTheMedianMeasurementOfTheObjectiveOnly() {
    List<Measurement> ms =
        List.of(
            timed(SMALL, Phase.PREFILL, 256, 10),
            timed(SMALL, Phase.PREFILL, 256, 12),
            timed(SMALL, Phase.PREFILL, 256, 30), // median of 10, 12, 30 is 12
            timed(SMALL, Phase.PREFILL, 512, 99), // another context
            timed(SMALL, Phase.DECODE, 256, 1)); // another phase

    FrontierAssembly a = FrontierAssembly.of(ms, List.of(ppl("s", SMALL, 40)), PREFILL_256, null);

    FrontierPoint p = a.frontier().points().get(0);
    assertEquals(12, p.latencyMs());
    assertEquals(LatencySource.MEASURED, p.source());
    assertEquals("s", p.candidateId());
  }

  @Test
  void shouldTakeTheMedianOfTheNewestRepeatsAsTargetFrontiersKeepsThem() {
    List<Measurement> ms = new ArrayList<>();
    for (int i = 0; i < TargetFrontiers.KEPT_REPEATS; i++) {
      ms.add(timed(SMALL, Phase.PREFILL, 256, 100)); // the oldest, pushed out
    }
    for (int i = 0; i < TargetFrontiers.KEPT_REPEATS; i++) {
      ms.add(timed(SMALL, Phase.PREFILL, 256, 10));
    }

    FrontierPoint p =
        FrontierAssembly.of(ms, List.of(ppl("s", SMALL, 40)), PREFILL_256, null)
            .frontier()
            .points()
            .get(0);

    assertEquals(10, p.latencyMs());
    assertEquals(TargetFrontiers.KEPT_REPEATS, p.repeats());
  }

  @Test
  void shouldPredictWhatWasNotMeasuredAndCountWhatCannotBe() {
    SimulatedDevice device = SimulatedDevice.additive();
    List<Measurement> ms = device.measure(30, 1);
    LatencyModel model = LatencyModelTrainer.fit(ms).orElseThrow();
    List<Quality> q = List.of(ppl("s", SMALL, 40), ppl("l", LARGE, 12));

    FrontierAssembly predicted = FrontierAssembly.of(ms, q, PREFILL_256, model);
    FrontierAssembly unpaired = FrontierAssembly.of(ms, q, PREFILL_256, null);

    assertEquals(2, predicted.frontier().points().size(), "faster-but-worse and slower-but-better");
    FrontierPoint small = predicted.frontier().point(SMALL.archId()).orElseThrow();
    assertEquals(LatencySource.PREDICTED, small.source());
    assertEquals(model.predictMs(SMALL, Phase.PREFILL, 256), small.latencyMs());
    assertEquals(2, unpaired.withoutLatency());
    assertEquals(0, unpaired.frontier().size());
  }
}
