package dev.hilnas.core.latency;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.FDistribution;

/**
 * The speed of each run (or device) as a random effect: {@code log(latency) = model(x) + u_run},
 * {@code u_run ~ N(0, τ²)}. τ² comes from the log residuals by the one-way analysis of variance's
 * method of moments, and only when the runs differ by more than chance (F-test at {@link
 * #SIGNIFICANCE}) — so data without drift fits exactly as without run information. The units of
 * that analysis are a run's architectures (the mean residual of its points of one architecture),
 * not its points: the model's error on an architecture is shared by all its points, so counting
 * them as independent would see drift in what is misfit. Each run's {@code u} is its mean residual
 * shrunk toward 0 by {@code τ² / (τ² + σ²/n)} (its best linear unbiased predictor, n its
 * architectures): a run of few architectures, or of noisy ones, moves little. Unlike dividing by a
 * calibration candidate's latency this adds no noise of its own, and a new run is predicted at
 * {@code u = 0}. Immutable.
 *
 * @param spread τ, the standard deviation of the runs' log speed; 0 when no drift was found
 * @param byRun each run's {@code u}, log
 */
record RunEffects(double spread, Map<String, Double> byRun) {

  static final RunEffects NONE = new RunEffects(0, Map.of());

  /** The runs must differ at this level of the F-test before they are told apart. */
  static final double SIGNIFICANCE = 0.01;

  /** Whether {@code observations} come from two runs or more, so that drift can be estimated. */
  static boolean estimable(List<TrainingPoint> observations) {
    String first = null;
    for (TrainingPoint o : observations) {
      if (o.run() != null) {
        if (first != null && !first.equals(o.run())) {
          return true;
        }
        first = o.run();
      }
    }
    return false;
  }

  /**
   * @param logResidual {@code log(measured / predicted)} of every observation, by a model that
   *     ignores the runs
   */
  static RunEffects estimate(List<TrainingPoint> observations, double[] logResidual) {
    Groups g = Groups.of(observations, logResidual);
    int runs = g.count.size();
    int n = g.n;
    if (runs < 2 || n <= runs) {
      return NONE;
    }
    double between = 0;
    double sumSquares = 0;
    for (var e : g.count.entrySet()) {
      double mean = g.sum.get(e.getKey()) / e.getValue();
      between += e.getValue() * (mean - g.mean()) * (mean - g.mean());
      sumSquares += (double) e.getValue() * e.getValue();
    }
    double msBetween = between / (runs - 1);
    double msWithin = g.within() / (n - runs);
    if (msWithin <= 0 || msBetween <= msWithin) {
      return NONE;
    }
    double critical =
        new FDistribution(null, runs - 1, n - runs).inverseCumulativeProbability(1 - SIGNIFICANCE);
    if (msBetween / msWithin <= critical) {
      return NONE;
    }
    double perRun = (n - sumSquares / n) / (runs - 1);
    double tau2 = (msBetween - msWithin) / perRun;
    return g.shrunk(tau2, msWithin);
  }

  /** Each run's {@code u} for the spread {@code tau} found before (the fast refit's path). */
  static RunEffects given(double tau, List<TrainingPoint> observations, double[] logResidual) {
    if (tau == 0 || !estimable(observations)) {
      return NONE;
    }
    Groups g = Groups.of(observations, logResidual);
    int dof = g.n - g.count.size();
    double msWithin = dof > 0 ? g.within() / dof : 0;
    return g.shrunk(tau * tau, msWithin);
  }

  /** Log speed of {@code o}'s run: 0 for a run not seen, or none. */
  double of(TrainingPoint o) {
    return o.run() == null ? 0 : byRun.getOrDefault(o.run(), 0.0);
  }

  /** The observations as if measured at the typical speed ({@code u = 0}). */
  List<TrainingPoint> adjust(List<TrainingPoint> observations) {
    if (byRun.isEmpty()) {
      return observations;
    }
    return observations.stream().map(o -> o.withLatency(o.latencyMs() / Math.exp(of(o)))).toList();
  }

  /**
   * The units (mean residual of a run's points of one architecture) summed by run; points without a
   * run are left out.
   */
  private record Groups(
      Map<String, Double> sum, Map<String, Integer> count, int n, double total, double squares) {

    static Groups of(List<TrainingPoint> observations, double[] logResidual) {
      Map<String, Map<String, double[]>> cells = new LinkedHashMap<>();
      for (int i = 0; i < logResidual.length; i++) {
        TrainingPoint o = observations.get(i);
        if (o.run() != null) {
          double[] cell =
              cells
                  .computeIfAbsent(o.run(), r -> new LinkedHashMap<>())
                  .computeIfAbsent(o.archId(), g -> new double[2]);
          cell[0] += logResidual[i];
          cell[1]++;
        }
      }
      Map<String, Double> sum = new LinkedHashMap<>();
      Map<String, Integer> count = new HashMap<>();
      int n = 0;
      double total = 0;
      double squares = 0;
      for (var run : cells.entrySet()) {
        for (double[] cell : run.getValue().values()) {
          double mean = cell[0] / cell[1];
          sum.merge(run.getKey(), mean, Double::sum);
          count.merge(run.getKey(), 1, Integer::sum);
          n++;
          total += mean;
          squares += mean * mean;
        }
      }
      return new Groups(sum, count, n, total, squares);
    }

    double mean() {
      return total / n;
    }

    /** Sum of squares within the runs. */
    double within() {
      double explained = 0;
      for (var e : sum.entrySet()) {
        explained += e.getValue() * e.getValue() / count.get(e.getKey());
      }
      return Math.max(0, squares - explained);
    }

    RunEffects shrunk(double tau2, double msWithin) {
      Map<String, Double> u = new LinkedHashMap<>();
      sum.forEach(
          (run, s) -> {
            int k = count.get(run);
            u.put(run, (s / k - mean()) * tau2 / (tau2 + msWithin / k));
          });
      return new RunEffects(Math.sqrt(tau2), Map.copyOf(u));
    }
  }
}
