package dev.hilnas.core.latency;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A device whose latency is known exactly: a price per unit of each feature, an optional
 * efficiency penalty for narrow models, and optional multiplicative noise. Seeded.
 */
record SyntheticDevice(double[] prefillPrices, double[] decodePrices, double narrowPenalty, double noise) {

  static final HardwareTarget TARGET = new HardwareTarget("synthetic", "test");

  /** ms per: call, layer, attention layer, GFLOP x4, MB x3; decode memory-bound. */
  static SyntheticDevice additive() {
    return new SyntheticDevice(
        new double[] {0.5, 0.02, 0.03, 20, 25, 40, 22, 0.001, 0.01, 0.02},
        new double[] {0.3, 0.02, 0.03, 5, 5, 8, 5, 0.05, 0.08, 0.02},
        0,
        0);
  }

  SyntheticDevice withNarrowPenalty(double penalty) {
    return new SyntheticDevice(prefillPrices, decodePrices, penalty, noise);
  }

  SyntheticDevice withNoise(double relative) {
    return new SyntheticDevice(prefillPrices, decodePrices, narrowPenalty, relative);
  }

  double latencyMs(Candidate c, Phase phase, int context) {
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
  List<Measurement> measure(int candidates, long seed) {
    Random random = new Random(seed);
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      Candidate c = randomCandidate(random);
      for (Phase phase : Phase.values()) {
        for (int k = 0; k < 2; k++) {
          int context = 32 << random.nextInt(6);
          double ms = latencyMs(c, phase, context) * (1 + noise * random.nextGaussian());
          out.add(Measurement.of("c" + i, c, TARGET, phase, context, Math.max(ms, 1e-3), List.of()));
        }
      }
    }
    return out;
  }

  static Candidate randomCandidate(Random random) {
    int headDim = 64;
    int dModel = 128 + 64 * random.nextInt(15);
    int kv = 1 + random.nextInt(2);
    int heads = kv * (1 + random.nextInt(4));
    int layers = 2 + random.nextInt(11);
    StringBuilder attention = new StringBuilder("G");
    for (int l = 1; l < layers; l++) {
      attention.append("GGLS".charAt(random.nextInt(4)));
    }
    return Candidate.uniform(
        layers, dModel, heads, kv, headDim, 256 + 128 * random.nextInt(20),
        8000 * (1 + random.nextInt(4)), attention.toString(), 64 << random.nextInt(3), 16);
  }
}
