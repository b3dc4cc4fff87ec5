package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.FrontierAssembly;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.SimulatedDevice;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierPoint;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.QualityEvaluation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

class UpdateFrontiersTest {

  private static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  private static final Objective DECODE_512 = Objective.parse("DECODE@512");
  private static final List<Objective> OBJECTIVES = List.of(PREFILL_256, DECODE_512);
  private static final SimulatedDevice DEVICE = SimulatedDevice.additive();

  private static KeyedBroadcastOperatorTestHarness<
          String,
          Either<LatencyMeasurement, LatencyModelSnapshot>,
          QualityEvaluation,
          FrontierUpdate>
      harness() throws Exception {
    return new KeyedBroadcastOperatorTestHarness<>(
        new CoBroadcastWithKeyedOperator<>(
            new UpdateFrontiers(OBJECTIVES), List.of(UpdateFrontiers.QUALITIES)),
        MeasurementJob::eventTargetId,
        Types.STRING,
        1,
        1,
        0);
  }

  /** The inputs of a run, in arrival order, and what a batch recomputation makes of them. */
  private static final class Run {
    final List<Object> events = new ArrayList<>();
    final List<Measurement> measurements = new ArrayList<>();
    final List<Quality> qualities = new ArrayList<>();
    AdditiveLatencyModel model;

    Run(long seed, int steps) {
      Random random = new Random(seed);
      List<Candidate> pool = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        pool.add(SimulatedDevice.randomCandidate(random));
      }
      for (int step = 0; step < steps; step++) {
        Candidate c = pool.get(random.nextInt(pool.size()));
        int kind = random.nextInt(10);
        if (kind < 5) {
          Objective o = random.nextBoolean() ? PREFILL_256 : Objective.parse("PREFILL@64");
          Measurement m =
              Measurement.of(
                  null,
                  c,
                  SimulatedDevice.TARGET,
                  o.phase(),
                  o.contextLength(),
                  DEVICE.latencyMs(c, o.phase(), o.contextLength())
                      * (1 + 0.05 * random.nextGaussian()),
                  List.of());
          measurements.add(m);
          events.add(m);
        } else if (kind < 9) {
          // bigger is better, as with real pruning, plus evaluation noise
          double ppl = 1e4 / Math.sqrt(c.parameterCount()) * (1 + 0.1 * random.nextDouble());
          Quality q = new Quality("c" + pool.indexOf(c), c, Quality.PERPLEXITY, ppl, null, null);
          qualities.add(q);
          events.add(q);
        } else if (!measurements.isEmpty()) {
          model = LatencyModelTrainer.fit(DEVICE.measure(5 + step % 7, step)).orElseThrow();
          events.add(model);
        }
      }
    }

    void feed(
        KeyedBroadcastOperatorTestHarness<
                String,
                Either<LatencyMeasurement, LatencyModelSnapshot>,
                QualityEvaluation,
                FrontierUpdate>
            h,
        int from,
        int to)
        throws Exception {
      for (Object e : events.subList(from, to)) {
        if (e instanceof Measurement m) {
          h.processElement(Either.Left(Convert.toAvro(m)), 0);
        } else if (e instanceof Quality q) {
          h.processBroadcastElement(Convert.toAvro(q), 0);
        } else {
          LatencyModelSnapshot s =
              ModelSnapshots.of(
                  SimulatedDevice.TARGET.id(),
                  Convert.toAvro(SimulatedDevice.TARGET),
                  1,
                  1,
                  (AdditiveLatencyModel) e,
                  Instant.EPOCH);
          h.processElement(Either.Right(s), 0);
        }
      }
    }

    Frontier batch(Objective o) {
      return FrontierAssembly.of(measurements, qualities, o, model).frontier();
    }
  }

  /** The newest update per objective. */
  private static Map<String, FrontierUpdate> latest(List<FrontierUpdate> updates) {
    Map<String, FrontierUpdate> out = new LinkedHashMap<>();
    updates.forEach(u -> out.put(u.getObjective(), u));
    return out;
  }

  private static void assertSameFrontier(Frontier expected, FrontierUpdate actual) {
    List<String> expectedIds = expected.points().stream().map(p -> p.archId()).toList();
    List<String> actualIds =
        actual.getPoints().stream().map(p -> p.getCandidate().getArchId()).toList();
    assertEquals(expectedIds, actualIds, actual.getObjective());
    for (int i = 0; i < expected.points().size(); i++) {
      FrontierPoint p = actual.getPoints().get(i);
      assertEquals(expected.points().get(i).latencyMs(), p.getLatencyMs());
      assertEquals(expected.points().get(i).source().name(), p.getLatencySource().name());
    }
  }

  @Test
  void shouldStreamTheFrontiersABatchRecomputationGives() throws Exception {
    Run run = new Run(3, 300);
    try (var h = harness()) {
      h.open();
      run.feed(h, 0, run.events.size());

      Map<String, FrontierUpdate> latest = latest(h.extractOutputValues());
      for (Objective o : OBJECTIVES) {
        assertSameFrontier(run.batch(o), latest.get(o.toString()));
        assertTrue(
            latest.get(o.toString()).getPoints().size() > 1, o + ": a frontier worth the name");
      }
      FrontierUpdate decode = latest.get(DECODE_512.toString());
      assertTrue(
          decode.getPoints().stream().allMatch(p -> p.getLatencyLowMs() != null),
          "predicted points carry the model's interval");
      assertTrue(decode.getHypervolume() > 0);
    }
  }

  @Test
  void shouldPublishNothingWhenNothingMoved() throws Exception {
    Run run = new Run(3, 300);
    try (var h = harness()) {
      h.open();
      run.feed(h, 0, run.events.size());
      int before = h.extractOutputValues().size();

      h.processBroadcastElement(Convert.toAvro(run.qualities.get(run.qualities.size() - 1)), 0);
      h.processElement(
          Either.Left(
              Convert.toAvro(
                  Measurement.of(
                      null,
                      run.qualities.get(0).candidate(),
                      SimulatedDevice.TARGET,
                      Phase.PREFILL,
                      64,
                      1.0,
                      List.of()))),
          0);

      assertEquals(
          before,
          h.extractOutputValues().size(),
          "same evaluation again; an objective nobody keeps");
    }
  }

  @Test
  void shouldEqualTheBatchRecomputationAcrossASnapshotAndRestore() throws Exception {
    Run run = new Run(4, 300);
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      run.feed(h, 0, 150);
      snapshot = h.snapshot(1, 0);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      run.feed(restored, 150, run.events.size());

      Map<String, FrontierUpdate> latest = latest(restored.extractOutputValues());
      for (Objective o : OBJECTIVES) {
        assertSameFrontier(run.batch(o), latest.get(o.toString()));
      }
    }
  }
}
