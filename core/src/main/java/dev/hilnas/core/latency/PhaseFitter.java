package dev.hilnas.core.latency;

import dev.hilnas.core.Statistics;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Fits a {@link PhaseModel} in three steps, each chosen by cross-validation over held-out
 * architectures so that few points never overfit:
 *
 * <ol>
 *   <li>a coarse roofline prior: one price per resource (kernel, GFLOP, MB), non-negative least
 *       squares on relative error — three numbers that a handful of measurements pins down;
 *   <li>the full price list, non-negative and ridge-pulled toward the prior, with Huber weights
 *       against outliers; the pull strength is chosen by CV, so the model moves from "roofline" to
 *       "per-kernel prices" as data arrives;
 *   <li>boosted trees on the log residual (efficiency effects), only when CV says they help.
 * </ol>
 *
 * Every step weighs a point by its precision ({@link PrecisionWeights}), and when the points come
 * from several runs whose speeds differ, on latencies brought to the typical run's speed ({@link
 * RunEffects}). The interval comes from the out-of-fold residuals of the chosen pipeline against
 * the latencies as measured (split-conformal style), so its width is what the model actually
 * achieved on unseen architectures, and on a run of unknown speed. Deterministic.
 */
final class PhaseFitter {

  static final double[] PULLS = {1e-4, 1e-3, 1e-2, 1e-1, 1};
  static final double DEFAULT_PULL = 1e-1;
  static final int[] TREE_COUNTS = {0, 10, 25, 50, 100};
  static final int MIN_OBSERVATIONS_FOR_TREES = 30;
  static final int MIN_CV_FOR_INTERVAL = 10;
  static final int FOLDS = 5;

  /** Above this many points three folds hold out plenty, and refits stay within a second. */
  static final int FEWER_FOLDS_FROM = 1000;

  /**
   * The share of unseen architectures' latencies the interval is to hold: its bounds are the
   * out-of-fold residuals' 10% and 90% quantiles.
   */
  static final double INTERVAL = 0.80;

  /** Interval used before there are enough out-of-fold residuals: a factor of 2 either way. */
  static final double PRIOR_HALF_WIDTH = Math.log(2);

  private static final int IRLS_ITERATIONS = 4;

  /** Rounds of fitting prices and run speeds in turn; the second barely moves the first. */
  private static final int RUN_ROUNDS = 2;

  private static final double HUBER_K = 1.345 * 1.4826;
  private static final double MIN_HUBER_DELTA = 0.02;

  private PhaseFitter() {}

  /**
   * @param measuredPoints at least one
   */
  static PhaseModel fit(List<TrainingPoint> measuredPoints) {
    int n = measuredPoints.size();
    int[] fold = folds(measuredPoints);
    int folds = Arrays.stream(fold).max().orElse(0) + 1;
    int[] all = range(n);
    double[] weight = PrecisionWeights.of(measuredPoints);
    RunEffects runs = runEffects(measuredPoints, all, weight);
    List<TrainingPoint> observations = runs.adjust(measuredPoints);
    if (folds < 2) {
      double[] prices = prices(observations, all, DEFAULT_PULL, weight);
      FitQuality quality = new FitQuality(n, folds, Accuracy.of(new double[0], new double[0]), 0);
      return new PhaseModel(
          prices,
          DEFAULT_PULL,
          ResidualTrees.NONE,
          -PRIOR_HALF_WIDTH,
          PRIOR_HALF_WIDTH,
          quality,
          runs.spread());
    }
    // step 2's pull, by CV of the linear model alone
    double[][] oofByPull = new double[PULLS.length][n];
    for (int k = 0; k < folds; k++) {
      int[] train = select(fold, k, false);
      int[] test = select(fold, k, true);
      for (int p = 0; p < PULLS.length; p++) {
        double[] prices = prices(observations, train, PULLS[p], weight);
        for (int i : test) {
          oofByPull[p][i] = linearMs(prices, observations.get(i));
        }
      }
    }
    int bestPull = argmin(oofByPull, observations, weight);
    double pull = PULLS[bestPull];
    double[] oof = oofByPull[bestPull];
    // step 3's tree count, by CV of the whole pipeline
    int treeCount = 0;
    if (n >= MIN_OBSERVATIONS_FOR_TREES && folds >= 3) {
      int maxTrees = TREE_COUNTS[TREE_COUNTS.length - 1];
      double[][] oofByTrees = new double[TREE_COUNTS.length][n];
      for (int k = 0; k < folds; k++) {
        int[] train = select(fold, k, false);
        double[] prices = prices(observations, train, pull, weight);
        ResidualTrees trees = boostResidual(observations, train, prices, maxTrees, weight);
        for (int i : select(fold, k, true)) {
          TrainingPoint o = observations.get(i);
          double linear = linearMs(prices, o);
          double[] corrections = trees.predictPrefixes(o.shape(), TREE_COUNTS);
          for (int t = 0; t < TREE_COUNTS.length; t++) {
            oofByTrees[t][i] = linear * Math.exp(corrections[t]);
          }
        }
      }
      int best = argmin(oofByTrees, observations, weight);
      treeCount = TREE_COUNTS[best];
      oof = oofByTrees[best];
    }
    double[] prices = prices(observations, all, pull, weight);
    ResidualTrees trees =
        treeCount == 0
            ? ResidualTrees.NONE
            : boostResidual(observations, all, prices, treeCount, weight);
    // as measured: a new run's speed is unknown, so its spread belongs in the interval
    double[] measured = measuredPoints.stream().mapToDouble(TrainingPoint::latencyMs).toArray();
    double[] logResidual = new double[n];
    for (int i = 0; i < n; i++) {
      logResidual[i] = Math.log(measured[i] / oof[i]);
    }
    double low = -PRIOR_HALF_WIDTH;
    double high = PRIOR_HALF_WIDTH;
    if (n >= MIN_CV_FOR_INTERVAL) {
      low = Math.min(0, Statistics.quantile(logResidual, (1 - INTERVAL) / 2));
      high = Math.max(0, Statistics.quantile(logResidual, (1 + INTERVAL) / 2));
    }
    FitQuality quality =
        new FitQuality(n, distinctGroups(observations), Accuracy.of(oof, measured), treeCount);
    return new PhaseModel(prices, pull, trees, low, high, quality, runs.spread());
  }

  /**
   * The runs' speeds, from the residuals of the linear model fitted on latencies brought to the
   * typical speed by the previous round's estimate; {@link RunEffects#NONE} with fewer than two
   * runs or no drift.
   */
  private static RunEffects runEffects(List<TrainingPoint> measured, int[] all, double[] weight) {
    RunEffects runs = RunEffects.NONE;
    if (!RunEffects.estimable(measured)) {
      return runs;
    }
    for (int round = 0; round < RUN_ROUNDS; round++) {
      double[] prices = prices(runs.adjust(measured), all, DEFAULT_PULL, weight);
      double[] logResidual = new double[measured.size()];
      for (int i = 0; i < logResidual.length; i++) {
        TrainingPoint o = measured.get(i);
        logResidual[i] = Math.log(o.latencyMs() / linearMs(prices, o));
      }
      runs = RunEffects.estimate(measured, logResidual);
      if (runs.spread() == 0) {
        break;
      }
    }
    return runs;
  }

  /**
   * The fast path for frequent refits: the price list refitted on {@code observations} with the
   * pull that {@code previous} chose by cross-validation, and {@code previous}'s trees with their
   * leaves refitted (their splits stay: searching them was two thirds of a fast refit), keeping its
   * interval and CV figures (as of that cross-validation). On the points {@code previous} was
   * fitted on, with no drift between runs, equal to it; the runs' speeds are estimated against
   * {@code previous} with the spread its fit found.
   */
  static PhaseModel refit(List<TrainingPoint> measured, PhaseModel previous) {
    int n = measured.size();
    int[] all = range(n);
    double[] weight = PrecisionWeights.of(measured);
    List<TrainingPoint> observations = measured;
    if (previous.runSpread() > 0) {
      // the runs' speeds against the previous model, with the spread its full fit found
      double[] logResidual = new double[n];
      for (int i = 0; i < n; i++) {
        TrainingPoint o = measured.get(i);
        logResidual[i] = Math.log(o.latencyMs() / previous.predictMs(o.work(), o.shape()));
      }
      observations = RunEffects.given(previous.runSpread(), measured, logResidual).adjust(measured);
    }
    double[] prices = prices(observations, all, previous.pull(), weight);
    int treeCount = previous.residual().trees();
    ResidualTrees trees =
        treeCount == 0
            ? ResidualTrees.NONE
            : Residual.of(observations, all, prices, weight).refit(previous.residual());
    FitQuality old = previous.quality();
    FitQuality quality = new FitQuality(n, distinctGroups(observations), old.cv(), treeCount);
    return new PhaseModel(
        prices,
        previous.pull(),
        trees,
        previous.lowLog(),
        previous.highLog(),
        quality,
        previous.runSpread());
  }

  /**
   * Steps 1 and 2 on the given rows: the coarse prior, then the pulled, robust price list.
   *
   * @param pointWeight precision of every observation (not only of the rows)
   */
  static double[] prices(
      List<TrainingPoint> observations, int[] rows, double pull, double[] pointWeight) {
    int p = Features.COUNT;
    double[][] relative = new double[rows.length][];
    double[][] coarse = new double[rows.length][3];
    double[] precision = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      TrainingPoint o = observations.get(rows[r]);
      precision[r] = pointWeight[rows[r]];
      double[] a = new double[p];
      for (int j = 0; j < p; j++) {
        a[j] = o.work()[j] / o.latencyMs();
        Features.Resource resource = Features.RESOURCE[j];
        double weight = resource == Features.Resource.OVERHEAD ? Features.KERNELS[j] : 1;
        coarse[r][resource.ordinal()] += weight * a[j];
      }
      relative[r] = a;
    }
    double[] resourcePrice = robustNnls(coarse, new double[3], 1e-6, precision);
    double[] prior = new double[p];
    for (int j = 0; j < p; j++) {
      Features.Resource resource = Features.RESOURCE[j];
      double weight = resource == Features.Resource.OVERHEAD ? Features.KERNELS[j] : 1;
      prior[j] = weight * resourcePrice[resource.ordinal()];
    }
    return robustNnls(relative, prior, pull, precision);
  }

  /**
   * Minimises the Huber loss of {@code a·c − 1} (relative error when rows are features / latency)
   * plus {@code pull · Σw · |c − prior|²} in column-normalised units, subject to {@code c >= 0};
   * row i's loss counts {@code precision[i]} times.
   */
  private static double[] robustNnls(
      double[][] a, double[] prior, double pull, double[] precision) {
    int n = a.length;
    int p = prior.length;
    double[] scale = new double[p];
    for (double[] row : a) {
      for (int j = 0; j < p; j++) {
        scale[j] += row[j] * row[j];
      }
    }
    for (int j = 0; j < p; j++) {
      scale[j] = Math.sqrt(scale[j] / Math.max(n, 1));
    }
    double[] weight = precision.clone();
    double[] c = new double[p];
    for (int iteration = 0; iteration < IRLS_ITERATIONS; iteration++) {
      double[][] gram = new double[p][p];
      double[] rhs = new double[p];
      double totalWeight = 0;
      for (int i = 0; i < n; i++) {
        double w = weight[i];
        totalWeight += w;
        double[] row = a[i];
        for (int j = 0; j < p; j++) {
          if (scale[j] == 0) {
            continue;
          }
          double aj = row[j] / scale[j];
          rhs[j] += w * aj;
          for (int k = 0; k <= j; k++) {
            if (scale[k] != 0) {
              gram[j][k] += w * aj * row[k] / scale[k];
            }
          }
        }
      }
      double lambda = pull * Math.max(totalWeight, 1);
      for (int j = 0; j < p; j++) {
        for (int k = 0; k < j; k++) {
          gram[k][j] = gram[j][k];
        }
        if (scale[j] != 0) {
          gram[j][j] += lambda;
          rhs[j] += lambda * prior[j] * scale[j];
        }
      }
      double[] scaled = Nnls.solve(gram, rhs);
      for (int j = 0; j < p; j++) {
        c[j] = scale[j] == 0 ? 0 : scaled[j] / scale[j];
      }
      double[] error = new double[n];
      for (int i = 0; i < n; i++) {
        double fitted = 0;
        for (int j = 0; j < p; j++) {
          fitted += a[i][j] * c[j];
        }
        error[i] = Math.abs(fitted - 1);
      }
      double delta = Math.max(MIN_HUBER_DELTA, HUBER_K * Statistics.quantile(error, 0.5));
      for (int i = 0; i < n; i++) {
        weight[i] = precision[i] * (error[i] <= delta ? 1 : delta / error[i]);
      }
    }
    return c;
  }

  private static ResidualTrees boostResidual(
      List<TrainingPoint> observations, int[] rows, double[] prices, int trees, double[] weight) {
    return Residual.of(observations, rows, prices, weight).boost(trees);
  }

  /** What the trees learn: the log residual of the price list, by shape, on some rows. */
  private record Residual(double[][] shape, double[] target, double[] precision) {

    static Residual of(
        List<TrainingPoint> observations, int[] rows, double[] prices, double[] weight) {
      double[][] shape = new double[rows.length][];
      double[] target = new double[rows.length];
      double[] precision = new double[rows.length];
      for (int r = 0; r < rows.length; r++) {
        TrainingPoint o = observations.get(rows[r]);
        shape[r] = o.shape();
        target[r] = Math.log(o.latencyMs() / linearMs(prices, o));
        precision[r] = weight[rows[r]];
      }
      return new Residual(shape, target, precision);
    }

    ResidualTrees boost(int trees) {
      return ResidualTrees.boost(shape, target, precision, trees);
    }

    ResidualTrees refit(ResidualTrees trees) {
      return trees.refitLeaves(shape, target, precision);
    }
  }

  private static double linearMs(double[] prices, TrainingPoint o) {
    double sum = 0;
    for (int j = 0; j < prices.length; j++) {
      sum += prices[j] * o.work()[j];
    }
    return Math.max(sum, PhaseModel.MIN_MS);
  }

  /**
   * Index of the candidate prediction set with the smallest precision-weighted absolute log error.
   */
  private static int argmin(
      double[][] predictions, List<TrainingPoint> observations, double[] weight) {
    int best = 0;
    double bestError = Double.POSITIVE_INFINITY;
    for (int c = 0; c < predictions.length; c++) {
      double error = 0;
      for (int i = 0; i < observations.size(); i++) {
        error +=
            weight[i] * Math.abs(Math.log(predictions[c][i] / observations.get(i).latencyMs()));
      }
      if (error < bestError - 1e-12) {
        bestError = error;
        best = c;
      }
    }
    return best;
  }

  /** Fold of every observation: architectures in sorted id order, dealt round-robin. */
  static int[] folds(List<TrainingPoint> observations) {
    TreeMap<String, Integer> rank = new TreeMap<>();
    observations.forEach(o -> rank.put(o.archId(), 0));
    int folds = Math.min(observations.size() >= FEWER_FOLDS_FROM ? 3 : FOLDS, rank.size());
    int r = 0;
    for (var entry : rank.entrySet()) {
      entry.setValue(r++ % folds);
    }
    return observations.stream().mapToInt(o -> folds < 2 ? 0 : rank.get(o.archId())).toArray();
  }

  private static int distinctGroups(List<TrainingPoint> observations) {
    return (int) observations.stream().map(TrainingPoint::archId).distinct().count();
  }

  private static int[] select(int[] fold, int k, boolean inFold) {
    return IntStream.range(0, fold.length).filter(i -> (fold[i] == k) == inFold).toArray();
  }

  private static int[] range(int n) {
    return IntStream.range(0, n).toArray();
  }
}
