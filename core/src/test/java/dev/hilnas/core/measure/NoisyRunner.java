package dev.hilnas.core.measure;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import dev.hilnas.core.latency.SimulatedDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A runner over a {@link SimulatedDevice} with what real devices do to timings: a cold start that
 * decays run by run (JIT, caches, clocks ramping up), multiplicative noise, rare spikes, and
 * optionally a second speed that some runs get (a core of another kind). Seeded.
 *
 * @param coldStart how much slower the first run is (4 = five times the latency)
 * @param coldRuns the cold start's decay, in runs (e^-1 of it is left after this many)
 * @param noise relative standard deviation of each run
 * @param spikeChance chance of a run taking three times as long
 * @param slowModeChance chance of a run taking {@code slowMode} times as long
 */
record NoisyRunner(
    SimulatedDevice device,
    double coldStart,
    double coldRuns,
    double noise,
    double spikeChance,
    double slowModeChance,
    double slowMode,
    Random random,
    int[] runs)
    implements Runner {

  static NoisyRunner of(double coldStart, double coldRuns, double noise, long seed) {
    return new NoisyRunner(
        SimulatedDevice.additive(),
        coldStart,
        coldRuns,
        noise,
        0,
        0,
        1,
        new Random(seed),
        new int[1]);
  }

  NoisyRunner withSpikes(double chance) {
    return new NoisyRunner(
        device, coldStart, coldRuns, noise, chance, slowModeChance, slowMode, random, runs);
  }

  NoisyRunner withSlowMode(double chance, double factor) {
    return new NoisyRunner(
        device, coldStart, coldRuns, noise, spikeChance, chance, factor, random, runs);
  }

  double trueMs(Candidate c, Objective o) {
    return device.latencyMs(c, o.phase(), o.contextLength());
  }

  @Override
  public List<Double> time(Candidate c, Objective o, int warmups, int repetitions) {
    for (int i = 0; i < warmups; i++) {
      next(c, o);
    }
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < repetitions; i++) {
      out.add(next(c, o));
    }
    return out;
  }

  private double next(Candidate c, Objective o) {
    double ms = trueMs(c, o) * (1 + coldStart * Math.exp(-runs[0]++ / coldRuns));
    ms *= Math.max(0.5, 1 + noise * random.nextGaussian());
    if (random.nextDouble() < spikeChance) {
      ms *= 3;
    }
    if (random.nextDouble() < slowModeChance) {
      ms *= slowMode;
    }
    return ms;
  }

  @Override
  public String runtime() {
    return "noisy";
  }
}
