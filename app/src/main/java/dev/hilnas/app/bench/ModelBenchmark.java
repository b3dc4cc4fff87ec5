package dev.hilnas.app.bench;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Statistics;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.Features;
import dev.hilnas.core.latency.LatencyModelTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * How fast the latency model fits and predicts on one thread, on a full target of varied candidates
 * whose latency comes from a model fitted once on real measurements (with 3% noise). Prediction is
 * compared with its floor measured in the same run: extracting the features of the same candidates,
 * which any model over these features must do.
 */
public final class ModelBenchmark {

  private static final double NOISE = 0.03;

  /** Figures of one run; rates are medians over repetitions, with every repetition kept. */
  public record Result(
      int pointsPerPhase,
      List<Double> fitMs,
      List<Double> refitMs,
      int residualTrees,
      List<Double> predictionsPerSecond,
      List<Double> featuresPerSecond) {

    public double fitMedianMs() {
      return Statistics.median(fitMs);
    }

    public double refitMedianMs() {
      return Statistics.median(refitMs);
    }

    public double predictMedian() {
      return Statistics.median(predictionsPerSecond);
    }

    public double featuresMedian() {
      return Statistics.median(featuresPerSecond);
    }
  }

  private ModelBenchmark() {}

  /**
   * @param oracleData real measurements; the model fitted on them gives the workload's latencies
   * @param candidates architectures to fit on, each measured at 2 contexts per phase (a target
   *     holds at most {@link LatencyModelTrainer#MAX_PER_PHASE} points per phase)
   * @param predictions candidate-phase predictions per timed repetition
   */
  public static Result run(
      List<Measurement> oracleData,
      int candidates,
      int predictions,
      int repeat,
      IntConsumer progress) {
    List<Measurement> data =
        workload(LatencyModelTrainer.fit(oracleData).orElseThrow(), candidates);
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    data.forEach(trainer::add);
    AdditiveLatencyModel model = trainer.fit().orElseThrow(); // warm-up
    trainer.refit(model);
    List<Double> fitMs = new ArrayList<>();
    List<Double> refitMs = new ArrayList<>();
    for (int r = 0; r < repeat; r++) {
      long t0 = System.nanoTime();
      model = trainer.fit().orElseThrow();
      long t1 = System.nanoTime();
      trainer.refit(model);
      long t2 = System.nanoTime();
      fitMs.add((t1 - t0) / 1e6);
      refitMs.add((t2 - t1) / 1e6);
    }
    SplittableRandom random = new SplittableRandom(2);
    Candidate[] pool = new Candidate[4096];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = SyntheticMeasurements.candidate(random);
    }
    List<Double> predictRates = new ArrayList<>();
    List<Double> featureRates = new ArrayList<>();
    double[] scratch = new double[Features.COUNT];
    double sink = 0;
    for (int r = -1; r < repeat; r++) { // r = -1 warms up
      long t0 = System.nanoTime();
      for (int i = 0; i < predictions; i++) {
        sink += model.predictMs(pool[i & 4095], (i & 1) == 0 ? Phase.PREFILL : Phase.DECODE, 2048);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < predictions; i++) {
        Features.into(pool[i & 4095], (i & 1) == 0 ? Phase.PREFILL : Phase.DECODE, 2048, scratch);
        sink += scratch[3];
      }
      long t2 = System.nanoTime();
      if (r >= 0) {
        predictRates.add(predictions / ((t1 - t0) / 1e9));
        featureRates.add(predictions / ((t2 - t1) / 1e9));
        progress.accept(r + 1);
      }
    }
    if (sink == 42) {
      System.err.print(""); // keeps the JIT from dropping the loops
    }
    return new Result(
        Math.min(2 * candidates, LatencyModelTrainer.MAX_PER_PHASE),
        fitMs,
        refitMs,
        model.quality(Phase.PREFILL).orElseThrow().residualTrees(),
        predictRates,
        featureRates);
  }

  /** Each candidate at two contexts per phase, as the oracle predicts it with 3% noise. */
  private static List<Measurement> workload(AdditiveLatencyModel oracle, int candidates) {
    SplittableRandom random = new SplittableRandom(1);
    HardwareTarget target = new HardwareTarget("bench", "oracle");
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      Candidate c = SyntheticMeasurements.candidate(random);
      for (Phase phase : Phase.values()) {
        for (int k = 0; k < 2; k++) {
          int context = 32 << random.nextInt(6);
          double ms = oracle.predictMs(c, phase, context) * (1 + NOISE * random.nextGaussian());
          out.add(
              Measurement.of("c" + i, c, target, phase, context, Math.max(ms, 1e-3), List.of()));
        }
      }
    }
    return out;
  }
}
