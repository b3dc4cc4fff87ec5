package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrecisionWeightsTest {

  @Test
  void shouldWeighAllPointsAlikeWhenNoneSaysHowItWasSampled() {
    List<TrainingPoint> points = List.of(point(0, Double.NaN), point(1, Double.NaN), point(0, 0));
    assertArrayEquals(new double[] {1, 1, 1}, PrecisionWeights.of(points));
  }

  @Test
  void shouldCountWidelySpreadOrFewSamplesLess() {
    double[] w =
        PrecisionWeights.of(
            List.of(
                point(10, 0.01 * 0.01), // tight
                point(10, 0.2 * 0.2), // widely spread
                point(2, 0.01 * 0.01), // as tight, but two samples say little
                point(1, Double.NaN), // one sample: typical spread, one sample's worth
                point(10, 0.05 * 0.05)));
    assertTrue(w[1] < w[4] && w[4] < w[0], "spread: " + w[0] + " > " + w[4] + " > " + w[1]);
    assertTrue(w[2] < w[0], "few samples: " + w[2] + " < " + w[0]);
    assertTrue(w[3] < w[2], "one sample: " + w[3] + " < " + w[2]);
  }

  @Test
  void shouldBoundEveryWeightSoNoPointDominates() {
    double[] w =
        PrecisionWeights.of(List.of(point(30, 0), point(30, 0), point(3, 4.0), point(5, 0.0004)));
    assertTrue(w[0] > 0.99 && w[0] <= 1, "identical samples weigh 1, not infinitely much: " + w[0]);
    assertEquals(PrecisionWeights.MIN_WEIGHT, w[2], 1e-12, "a hopeless point still counts a bit");
    for (double v : w) {
      assertTrue(v >= PrecisionWeights.MIN_WEIGHT && v <= 1, "bounded: " + v);
    }
  }

  @Test
  void shouldFitCloserWhenBadlyMeasuredPointsSayHowBadlyTheyWereMeasured() {
    SimulatedDevice device = SimulatedDevice.additive();
    List<Measurement> clean = device.measure(40, 1);
    Random random = new Random(7);
    List<Measurement> withSamples = new ArrayList<>();
    List<Measurement> withoutSamples = new ArrayList<>();
    for (int i = 0; i < clean.size(); i++) {
      Measurement m = clean.get(i);
      double spread = i % 2 == 0 ? 0.3 : 0.01; // half timed on a busy machine
      List<Double> samples = new ArrayList<>();
      for (int k = 0; k < 5; k++) {
        samples.add(m.latencyMs() * Math.max(0.2, 1 + spread * random.nextGaussian()));
      }
      double median = samples.stream().sorted().toList().get(2);
      withSamples.add(m.withTiming(median, samples));
      withoutSamples.add(m.withTiming(median, List.of()));
    }
    List<Measurement> test = device.measure(50, 2);
    double weighted = mape(LatencyModelTrainer.fit(withSamples).orElseThrow(), test);
    double alike = mape(LatencyModelTrainer.fit(withoutSamples).orElseThrow(), test);
    assertTrue(weighted < 0.6 * alike, "MAPE weighted " + weighted + ", all alike " + alike);
  }

  static double mape(AdditiveLatencyModel model, List<Measurement> test) {
    double sum = 0;
    for (Measurement m : test) {
      sum +=
          Math.abs(
              model.predictMs(m.candidate(), m.phase(), m.contextLength()) / m.latencyMs() - 1);
    }
    return sum / test.size();
  }

  private static TrainingPoint point(int samples, double relativeVariance) {
    return new TrainingPoint(
        "a",
        Phase.DECODE,
        new double[0],
        new double[0],
        1,
        Double.NaN,
        samples,
        relativeVariance,
        null);
  }
}
