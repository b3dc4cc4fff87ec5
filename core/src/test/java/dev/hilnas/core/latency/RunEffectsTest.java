package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunEffectsTest {

  /** Log speed of six runs: 0.82x to 1.16x, standard deviation 0.13, typical run 1x. */
  static final double[] SPEEDS = {-0.2, -0.1, 0, 0.05, 0.1, 0.15};

  @Test
  void shouldLearnEachRunsSpeedAndPredictATypicalRun() {
    SimulatedDevice device = SimulatedDevice.additive().withNoise(0.02);
    List<Measurement> measured = device.measure(60, 1);
    List<Measurement> test = SimulatedDevice.additive().measure(50, 2);

    AdditiveLatencyModel model = LatencyModelTrainer.fit(inRuns(measured, SPEEDS)).orElseThrow();
    AdditiveLatencyModel blind =
        LatencyModelTrainer.fit(
                inRuns(measured, SPEEDS).stream().map(r -> withRun(r, null)).toList())
            .orElseThrow();

    double mape = PrecisionWeightsTest.mape(model, test);
    double blindMape = PrecisionWeightsTest.mape(blind, test);
    assertTrue(mape < 0.5 * blindMape, "MAPE with runs " + mape + ", without " + blindMape);
    for (Phase phase : Phase.values()) {
      double spread = model.runSpread(phase).orElseThrow();
      assertTrue(spread > 0.08 && spread < 0.2, phase + " run spread " + spread + ", true 0.13");
      assertEquals(0, blind.runSpread(phase).orElseThrow());
    }
  }

  @Test
  void shouldFitExactlyAsWithoutRunsWhenTheRunsDoNotDiffer() {
    List<Measurement> measured = SimulatedDevice.additive().withNoise(0.03).measure(60, 3);
    List<Measurement> inRuns = inRuns(measured, new double[6]);
    assertArrayEquals(
        LatencyModelCodec.encode(LatencyModelTrainer.fit(measured).orElseThrow()),
        LatencyModelCodec.encode(LatencyModelTrainer.fit(inRuns).orElseThrow()));
  }

  @Test
  void shouldShrinkTheSpeedOfARunOfFewPointsTowardTheTypical() {
    List<TrainingPoint> points = new ArrayList<>();
    List<Double> residual = new ArrayList<>();
    Random random = new Random(5);
    for (int i = 0; i < 40; i++) {
      add(points, residual, "slow", 0.1 + 0.05 * random.nextGaussian());
      add(points, residual, "fast", -0.1 + 0.05 * random.nextGaussian());
    }
    add(points, residual, "brief", 0.1);
    add(points, residual, "brief", 0.1);

    RunEffects runs =
        RunEffects.estimate(points, residual.stream().mapToDouble(Double::doubleValue).toArray());

    double slow = runs.byRun().get("slow");
    double brief = runs.byRun().get("brief");
    assertTrue(slow > 0.08, "40 architectures: close to their mean, " + slow);
    assertTrue(brief > 0 && brief < slow, "2 architectures: pulled toward 0, " + brief);
  }

  @Test
  void shouldRefitCloseToTheFullFitWhenRunsDiffer() {
    List<Measurement> measured =
        inRuns(SimulatedDevice.additive().withNoise(0.02).measure(60, 4), SPEEDS);
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    measured.forEach(trainer::add);
    AdditiveLatencyModel full = trainer.fit().orElseThrow();
    AdditiveLatencyModel fast = trainer.refit(full).orElseThrow();
    for (Measurement m : SimulatedDevice.additive().measure(20, 5)) {
      double a = full.predictMs(m.candidate(), m.phase(), m.contextLength());
      double b = fast.predictMs(m.candidate(), m.phase(), m.contextLength());
      assertEquals(a, b, 0.02 * a);
    }
  }

  @Test
  void shouldFitTheSameWhetherFedOneByOneOrInABatchWithSamplesAndRuns() {
    List<Measurement> measured =
        inRuns(SimulatedDevice.additive().withNoise(0.02).measure(40, 6), SPEEDS);
    List<Measurement> sampled = new ArrayList<>();
    for (int i = 0; i < measured.size(); i++) {
      Measurement m = measured.get(i);
      double ms = m.latencyMs();
      sampled.add(m.withTiming(ms, List.of(ms * 0.98, ms, ms * (1 + 0.01 * (i % 7)))));
    }
    LatencyModelTrainer incremental = new LatencyModelTrainer();
    AdditiveLatencyModel last = null;
    for (int i = 0; i < sampled.size(); i++) {
      incremental.add(sampled.get(i));
      if (i % 10 == 9 || i == sampled.size() - 1) {
        last = incremental.fit().orElseThrow(); // refits along the way, as the stream does
      }
    }
    assertArrayEquals(
        LatencyModelCodec.encode(LatencyModelTrainer.fit(sampled).orElseThrow()),
        LatencyModelCodec.encode(last));
  }

  /** A model encoded before run spreads were encoded (format 3), of the points below. */
  static final String FORMAT_3 =
      "AAAAAwAAAAsAAAAKAAAABAEAAAAAAAAAAD+/STPUnqZYP8QBMefM9CxANh09cmlko0A3WJqvh2sgQDAU0sR8FypANxK4Rl4xaj9VEU2yykAbAAAAAAAAAAA/QwTAOoZ8bQAAAAAAAAAAP/AAAAAAAAAAAAAAv6l5HywvudY/vV+dnsOm3wAAAAwAAAAGAAAADD/qqqqqqqqrP6lR9NU7nPs/7/GqcJwywwE/1uOhyHWeZz91iZdg7s4xP5Gw8dzg131AUioZE7t5VwAAAAAAAAAAAAAAAAAAAAA/8zNo9LXgCz+rZekpVMkWAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAP1BiTdLxqfwAAAAAv7UEg9+ZuT4/pi3DA5hLOAAAAAwAAAAGAAAADD/tVVVVVVVVP6tdlL/fNvc/7fj6n661+g==";

  @Test
  void shouldDecodeAModelOfTheOlderFormatAsOneThatSawNoDrift() {
    AdditiveLatencyModel older =
        LatencyModelCodec.decode(java.util.Base64.getDecoder().decode(FORMAT_3));
    // points without samples or runs fit exactly as they did then
    AdditiveLatencyModel now =
        LatencyModelTrainer.fit(SimulatedDevice.additive().withNoise(0.05).measure(6, 3))
            .orElseThrow();
    for (Measurement m : SimulatedDevice.additive().measure(10, 9)) {
      assertEquals(
          now.predict(m.candidate(), m.phase(), m.contextLength()),
          older.predict(m.candidate(), m.phase(), m.contextLength()));
    }
    assertEquals(0, older.runSpread(Phase.PREFILL).orElseThrow());
    assertEquals(now.quality(Phase.DECODE), older.quality(Phase.DECODE));
  }

  /** Candidate i measured in run i mod 6, slowed by that run's speed. */
  static List<Measurement> inRuns(List<Measurement> measured, double[] logSpeed) {
    List<Measurement> out = new ArrayList<>();
    for (Measurement m : measured) {
      int run = Integer.parseInt(m.candidateId().substring(1)) % logSpeed.length;
      Measurement slowed = m.withTiming(m.latencyMs() * Math.exp(logSpeed[run]), m.samplesMs());
      out.add(withRun(slowed, "run" + run));
    }
    return out;
  }

  /** The measurement as one of the run's (null: no run named). */
  static Measurement withRun(Measurement m, String run) {
    return m.withEnvironment(run == null ? Map.of() : Map.of(LatencyModelTrainer.RUN_ID, run));
  }

  private static void add(List<TrainingPoint> points, List<Double> residual, String run, double r) {
    String architecture = "a" + points.size(); // the analysis's units are a run's architectures
    points.add(
        new TrainingPoint(
            architecture,
            Phase.DECODE,
            new double[0],
            new double[0],
            1,
            Double.NaN,
            0,
            Double.NaN,
            run));
    residual.add(r);
  }
}
