package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.latency.SimulatedDevice;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.QualityEvaluation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/** The frontier operator's state stays within its {@link StateBounds}, and refuses past them. */
class UpdateFrontiersBoundsTest {

  static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  static final List<Objective> OBJECTIVES = List.of(PREFILL_256);
  static final SimulatedDevice DEVICE = SimulatedDevice.additive();

  static final List<Candidate> CANDIDATES = candidates(6);

  @Test
  void shouldDeadLetterANewArchitectureBeyondTheTargetsBoundAndKeepMeasuringTheOthers()
      throws Exception {
    try (var h = harness(new StateBounds(2, 100, 100, 100, 100))) {
      h.open();
      evaluate(h, CANDIDATES.subList(0, 3));
      measure(h, SimulatedDevice.TARGET, CANDIDATES.get(0), 10);
      measure(h, SimulatedDevice.TARGET, CANDIDATES.get(1), 12);

      measure(h, SimulatedDevice.TARGET, CANDIDATES.get(2), 5);
      List<DeadLetter> letters = Harnesses.deadLetters(h);
      assertEquals(1, letters.size());
      assertEquals(
          "frontiers of simulated/test threw dev.hilnas.streams.StateLimitExceeded: target"
              + " simulated/test holds 2 measured (architecture, objective) pairs, the most the"
              + " job keeps per target",
          letters.get(0).getReason());
      assertEquals("hil.measurements", letters.get(0).getSourceTopic());

      int published = h.extractOutputValues().size();
      measure(h, SimulatedDevice.TARGET, CANDIDATES.get(0), 4); // a repeat: no new pair
      assertEquals(1, Harnesses.deadLetters(h).size());
      assertEquals(published + 1, h.extractOutputValues().size(), "the repeat moved the frontier");
    }
  }

  @Test
  void shouldKeepAFullTargetsFrontiersCachedWhileRefusingNewArchitectures() throws Exception {
    UpdateFrontiers frontiers =
        new UpdateFrontiers(OBJECTIVES, Duration.ZERO, new StateBounds(2, 100, 100, 100, 100));
    try (var h = harness(frontiers)) {
      h.open();
      measure(h, SimulatedDevice.TARGET, CANDIDATES.get(0), 10);
      measure(h, SimulatedDevice.TARGET, CANDIDATES.get(1), 12);

      for (Candidate refused : CANDIDATES.subList(2, 6)) {
        measure(h, SimulatedDevice.TARGET, refused, 5);
      }

      assertEquals(4, Harnesses.deadLetters(h).size());
      assertEquals(
          1,
          frontiers.frontiersBuilt(),
          "built once from state, not again after each refusal (each build reads every cell)");
    }
  }

  @Test
  void shouldDeadLetterANewArchitecturesEvaluationBeyondTheBoundAndTakeNewerOnesOfHeldOnes()
      throws Exception {
    try (var h = harness(new StateBounds(100, 2, 100, 100, 100))) {
      h.open();
      measure(h, SimulatedDevice.TARGET, CANDIDATES.get(0), 10);
      evaluate(h, CANDIDATES.subList(0, 3));

      List<DeadLetter> letters = Harnesses.deadLetters(h);
      assertEquals(1, letters.size());
      assertEquals(
          "evaluations threw dev.hilnas.streams.StateLimitExceeded: the job holds 2"
              + " architectures' evaluations, the most it keeps",
          letters.get(0).getReason());
      assertEquals("hil.quality", letters.get(0).getSourceTopic());
      assertEquals(
          CANDIDATES.get(2).archId(),
          StandardCharsets.UTF_8.decode(letters.get(0).getKey().duplicate()).toString());

      h.processBroadcastElement(List.of(evaluation(CANDIDATES.get(0), 7)), 0);
      assertEquals(1, Harnesses.deadLetters(h).size(), "a held architecture's newer evaluation");
      FrontierUpdate last = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
      assertEquals(7.0, last.getPoints().get(0).getQuality());
    }
  }

  @Test
  void shouldPublishTheSameWithOneTargetCachedAsWithAllOfThem() throws Exception {
    List<FrontierUpdate> all = run(StateBounds.DEFAULTS);
    List<FrontierUpdate> one = run(new StateBounds(100, 100, 1, 100, 100));

    assertTrue(all.size() > 10);
    assertEquals(all, one, "frontiers rebuilt from state equal the cached ones");
  }

  /** Two targets' measurements interleaved with evaluations. */
  private static List<FrontierUpdate> run(StateBounds bounds) throws Exception {
    HardwareTarget other = new HardwareTarget("other", "test");
    Random random = new Random(9);
    try (var h = harness(bounds)) {
      h.open();
      for (int i = 0; i < 60; i++) {
        Candidate c = CANDIDATES.get(random.nextInt(CANDIDATES.size()));
        if (i % 5 == 0) {
          evaluate(h, List.of(c));
        } else {
          measure(h, i % 2 == 0 ? SimulatedDevice.TARGET : other, c, 1 + 20 * random.nextDouble());
        }
      }
      return h.extractOutputValues();
    }
  }

  private static void measure(
      KeyedBroadcastOperatorTestHarness<
              String,
              Either<AcceptedMeasurement, LatencyModelSnapshot>,
              List<QualityEvaluation>,
              FrontierUpdate>
          h,
      HardwareTarget target,
      Candidate c,
      double ms)
      throws Exception {
    Measurement m =
        Measurement.of(
            null, c, target, PREFILL_256.phase(), PREFILL_256.contextLength(), ms, List.of());
    h.processElement(Either.Left(Harnesses.accepted(m)), 0);
  }

  private static void evaluate(
      KeyedBroadcastOperatorTestHarness<
              String,
              Either<AcceptedMeasurement, LatencyModelSnapshot>,
              List<QualityEvaluation>,
              FrontierUpdate>
          h,
      List<Candidate> candidates)
      throws Exception {
    for (Candidate c : candidates) {
      h.processBroadcastElement(List.of(evaluation(c, 1e4 / Math.sqrt(c.parameterCount()))), 0);
    }
  }

  private static QualityEvaluation evaluation(Candidate c, double perplexity) {
    return Convert.toAvro(new Quality(c.archId(), c, Quality.PERPLEXITY, perplexity, null, null));
  }

  private static List<Candidate> candidates(int n) {
    Random random = new Random(4);
    List<Candidate> out = new ArrayList<>();
    while (out.size() < n) {
      Candidate c = SimulatedDevice.randomCandidate(random);
      if (out.stream().noneMatch(o -> o.archId().equals(c.archId()))) {
        out.add(c);
      }
    }
    return out;
  }

  private static KeyedBroadcastOperatorTestHarness<
          String,
          Either<AcceptedMeasurement, LatencyModelSnapshot>,
          List<QualityEvaluation>,
          FrontierUpdate>
      harness(StateBounds bounds) throws Exception {
    return harness(new UpdateFrontiers(OBJECTIVES, Duration.ZERO, bounds));
  }

  private static KeyedBroadcastOperatorTestHarness<
          String,
          Either<AcceptedMeasurement, LatencyModelSnapshot>,
          List<QualityEvaluation>,
          FrontierUpdate>
      harness(UpdateFrontiers frontiers) throws Exception {
    return new KeyedBroadcastOperatorTestHarness<>(
        new CoBroadcastWithKeyedOperator<>(frontiers, List.of(UpdateFrontiers.QUALITIES)),
        MeasurementJob::eventTargetId,
        Types.STRING,
        1,
        1,
        0);
  }
}
