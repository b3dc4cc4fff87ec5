package dev.hilnas.core.latency;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A device whose latency is known exactly, for tests and benchmarks of latency models: a price per
 * unit of each {@link Features feature}, an optional efficiency penalty for narrow models, and
 * optional multiplicative Gaussian noise. Seeded, so the same arguments give the same data.
 *
 * @param narrowPenalty how much slower a dModel of 128 runs than one of 1024 (0.5 = 50%)
 * @param noise relative standard deviation of the measurement noise
 */
public record SimulatedDevice(
    double[] prefillPrices, double[] decodePrices, double narrowPenalty, double noise) {

  public static final HardwareTarget TARGET = new HardwareTarget("simulated", "test");

  /** Prices of a plausible phone CPU: ms per kernel, GFLOP and MB; decode memory-bound. */
  public static SimulatedDevice additive() {
    return new SimulatedDevice(
        new double[] {0.5, 0.02, 0.03, 20, 25, 40, 22, 0.001, 0.01, 0.02, 0},
        new double[] {0.3, 0.02, 0.03, 5, 5, 8, 5, 0.05, 0.08, 0.02, 0.01},
        0,
        0);
  }

  public SimulatedDevice withNarrowPenalty(double penalty) {
    return new SimulatedDevice(prefillPrices, decodePrices, penalty, noise);
  }

  public SimulatedDevice withNoise(double relative) {
    return new SimulatedDevice(prefillPrices, decodePrices, narrowPenalty, relative);
  }

  public double latencyMs(Candidate c, Phase phase, int context) {
    double[] x = Features.of(c, phase, context);
    double[] prices = phase == Phase.PREFILL ? prefillPrices : decodePrices;
    double ms = 0;
    for (int j = 0; j < x.length; j++) {
      ms += prices[j] * x[j];
    }
    // small GEMMs run below peak: up to (1 + penalty) slower at d = 128 than at d = 1024
    return ms * (1 + narrowPenalty * Math.max(0, 1024.0 - c.dModel()) / 896);
  }

  /** {@code candidates} random architectures, each measured at two contexts per phase. */
  public List<Measurement> measure(int candidates, long seed) {
    Random random = new Random(seed);
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      Candidate c = randomCandidate(random);
      for (Phase phase : Phase.values()) {
        for (int k = 0; k < 2; k++) {
          int context = 32 << random.nextInt(6);
          double ms = latencyMs(c, phase, context) * (1 + noise * random.nextGaussian());
          out.add(
              Measurement.of("c" + i, c, TARGET, phase, context, Math.max(ms, 1e-3), List.of()));
        }
      }
    }
    return out;
  }

  /** A random Llama-style candidate: 2-12 layers, dModel 128-1024, GQA, mixed attention. */
  public static Candidate randomCandidate(Random random) {
    int headDim = 64;
    int dModel = 128 + 64 * random.nextInt(15);
    int kv = 1 + random.nextInt(2);
    int heads = kv * (1 + random.nextInt(4));
    int layers = 2 + random.nextInt(11);
    StringBuilder attention = new StringBuilder("G");
    for (int l = 1; l < layers; l++) {
      attention.append("GGLS".charAt(random.nextInt(4)));
    }
    return Candidate.builder()
        .layers(layers)
        .dModel(dModel)
        .heads(heads, kv)
        .headDim(headDim)
        .ffnDim(256 + 128 * random.nextInt(20))
        .vocabSize(8000 * (1 + random.nextInt(4)))
        .attention(attention.toString())
        .window(64 << random.nextInt(3))
        .build();
  }
}
