package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.FrontierAssembly;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.SimulatedDevice;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierPoint;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.QualityEvaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * A target with many evaluated architectures re-ranks its predicted points with a new model at most
 * once per gap ({@link RerankPacing}); here a gap of 1 ms per evaluation, from 10 ms up.
 */
class UpdateFrontiersPacingTest {

  static final Objective DECODE_512 = Objective.parse("DECODE@512");
  static final RerankPacing PACING = new RerankPacing(1.0, 10);
  static final SimulatedDevice DEVICE = SimulatedDevice.additive();
  static final AdditiveLatencyModel FIRST =
      LatencyModelTrainer.fit(DEVICE.measure(8, 1)).orElseThrow();
  static final AdditiveLatencyModel SECOND =
      LatencyModelTrainer.fit(SimulatedDevice.additive().withNoise(0.3).measure(8, 2))
          .orElseThrow();
  static final AdditiveLatencyModel THIRD =
      LatencyModelTrainer.fit(SimulatedDevice.additive().withNoise(0.3).measure(8, 3))
          .orElseThrow();

  @Test
  void shouldHoldBackABigTargetsModelUntilItsGapHasPassed() throws Exception {
    List<Quality> evaluated = evaluations(30); // a gap of 30 ms
    try (var h = holdingBackSecond(evaluated)) {
      assertPredictedBy(FIRST, evaluated, last(h));
      int published = h.extractOutputValues().size();

      h.setProcessingTime(29);
      assertEquals(published, h.extractOutputValues().size(), "held back within the gap");

      h.setProcessingTime(30);
      assertPredictedBy(SECOND, evaluated, last(h));
      assertEquals(published + 1, h.extractOutputValues().size());
    }
  }

  @Test
  void shouldPublishAMeasurementAtOnceWhileAModelIsHeldBack() throws Exception {
    List<Quality> evaluated = evaluations(30);
    try (var h = holdingBackSecond(evaluated)) {
      int published = h.extractOutputValues().size();

      Candidate measured = evaluated.get(0).candidate();
      measure(h, measured, 10);

      assertEquals(published + 1, h.extractOutputValues().size());
      FrontierPoint fastest = last(h).getPoints().get(0);
      assertEquals(measured.archId(), fastest.getCandidate().getArchId());
      assertEquals("MEASURED", fastest.getLatencySource().name());
    }
  }

  @Test
  void shouldApplyEveryModelOfASmallTargetAtOnce() throws Exception {
    List<Quality> evaluated = evaluations(5); // a gap of 5 ms, under the 10 ms that holds back
    try (var h = harness()) {
      h.open();
      h.setProcessingTime(0);
      evaluate(h, evaluated);
      model(h, FIRST);
      model(h, SECOND);

      assertPredictedBy(SECOND, evaluated, last(h));
    }
  }

  @Test
  void shouldPublishAModelHeldBackAtASnapshotOnceRestored() throws Exception {
    List<Quality> evaluated = evaluations(30);
    OperatorSubtaskState snapshot;
    long version;
    try (var h = holdingBackSecond(evaluated)) {
      version = last(h).getVersion();
      snapshot = h.snapshot(1, 10);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.setProcessingTime(30);

      FrontierUpdate update = last(restored);
      assertPredictedBy(SECOND, evaluated, update);
      assertEquals(version + 1, update.getVersion());
    }
  }

  @Test
  void shouldDropAHeldBackModelOnceANewerOneIsAppliedAtOnce() throws Exception {
    List<Quality> evaluated = evaluations(30);
    OperatorSubtaskState snapshot;
    try (var h = holdingBackSecond(evaluated)) {
      snapshot = h.snapshot(1, 10);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.setProcessingTime(10);
      model(restored, THIRD); // the first model since the restart: at once
      assertPredictedBy(THIRD, evaluated, last(restored));
      int published = restored.extractOutputValues().size();

      restored.setProcessingTime(30);
      assertEquals(
          published, restored.extractOutputValues().size(), "the older held-back model stays out");
      assertPredictedBy(THIRD, evaluated, last(restored));
    }
  }

  @Test
  void shouldKeepPublishingOnItsTimerWhenAModelDropsAHeldOneDueTheSameMillisecond()
      throws Exception {
    List<Quality> evaluated = evaluations(30);
    OperatorSubtaskState snapshot;
    try (var h = holdingBackSecond(evaluated, new Harness(Duration.ofMillis(20)))) {
      measure(h, evaluated.get(1).candidate(), 10); // pending, its timer at 30 ms: SECOND's too
      snapshot = h.snapshot(1, 10);
    }
    try (var restored = new Harness(Duration.ofMillis(20))) {
      restored.initializeState(snapshot);
      restored.open();
      restored.setProcessingTime(10);
      model(restored, THIRD); // the first model since the restart: at once, SECOND dropped
      restored.setProcessingTime(12);
      Candidate measured = evaluated.get(0).candidate();
      measure(restored, measured, 12); // pending, on the timer already set for 30 ms
      int published = restored.extractOutputValues().size();

      restored.setProcessingTime(30);

      assertEquals(published + 1, restored.extractOutputValues().size());
      FrontierPoint fastest = last(restored).getPoints().get(0);
      assertEquals(measured.archId(), fastest.getCandidate().getArchId());
    }
  }

  private static void measure(Harness h, Candidate c, long at) throws Exception {
    h.processElement(
        Either.Left(
            Harnesses.accepted(
                Measurement.of(
                    null,
                    c,
                    SimulatedDevice.TARGET,
                    DECODE_512.phase(),
                    DECODE_512.contextLength(),
                    1e-3,
                    List.of()))),
        at);
  }

  /** A target of {@code evaluated} that applied FIRST at 0 ms and held SECOND back at 10 ms. */
  private static Harness holdingBackSecond(List<Quality> evaluated) throws Exception {
    return holdingBackSecond(evaluated, harness());
  }

  private static Harness holdingBackSecond(List<Quality> evaluated, Harness h) throws Exception {
    h.open();
    h.setProcessingTime(0);
    evaluate(h, evaluated);
    model(h, FIRST);
    h.setProcessingTime(10);
    model(h, SECOND);
    return h;
  }

  private static void assertPredictedBy(
      AdditiveLatencyModel model, List<Quality> evaluated, FrontierUpdate update) {
    var expected = FrontierAssembly.of(List.of(), evaluated, DECODE_512, model).frontier();
    assertTrue(expected.points().size() > 1, "a frontier worth the name");
    assertEquals(
        expected.points().stream().map(p -> p.latencyMs()).toList(),
        update.getPoints().stream().map(FrontierPoint::getLatencyMs).toList());
    assertNotEquals(
        FrontierAssembly.of(List.of(), evaluated, DECODE_512, model == FIRST ? SECOND : FIRST)
            .frontier()
            .points()
            .stream()
            .map(p -> p.latencyMs())
            .toList(),
        expected.points().stream().map(p -> p.latencyMs()).toList(),
        "the two models rank apart");
  }

  private static List<Quality> evaluations(int n) {
    Random random = new Random(7);
    List<Quality> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Candidate c = SimulatedDevice.randomCandidate(random);
      double ppl = 1e4 / Math.sqrt(c.parameterCount()) * (1 + 0.1 * random.nextDouble());
      out.add(new Quality("c" + i, c, Quality.PERPLEXITY, ppl, null, null));
    }
    return out;
  }

  private static void evaluate(Harness h, List<Quality> evaluated) throws Exception {
    List<QualityEvaluation> batch = evaluated.stream().map(Convert::toAvro).toList();
    h.processBroadcastElement(batch, 0);
  }

  private static void model(Harness h, AdditiveLatencyModel model) throws Exception {
    LatencyModelSnapshot snapshot =
        ModelSnapshots.of(
            SimulatedDevice.TARGET.id(),
            Convert.toAvro(SimulatedDevice.TARGET),
            1,
            1,
            model,
            Instant.EPOCH);
    h.processElement(Either.Right(snapshot), 0);
  }

  private static FrontierUpdate last(Harness h) {
    List<FrontierUpdate> out = h.extractOutputValues();
    return out.get(out.size() - 1);
  }

  /** The operator under test, keyed by target, with the broadcast evaluations. */
  private static final class Harness
      extends KeyedBroadcastOperatorTestHarness<
          String,
          Either<AcceptedMeasurement, LatencyModelSnapshot>,
          List<QualityEvaluation>,
          FrontierUpdate> {
    Harness(Duration publishInterval) throws Exception {
      super(
          new CoBroadcastWithKeyedOperator<>(
              new UpdateFrontiers(
                  List.of(DECODE_512), publishInterval, StateBounds.DEFAULTS, PACING),
              List.of(UpdateFrontiers.QUALITIES)),
          MeasurementJob::eventTargetId,
          Types.STRING,
          1,
          1,
          0);
    }
  }

  private static Harness harness() throws Exception {
    return new Harness(Duration.ZERO);
  }
}
