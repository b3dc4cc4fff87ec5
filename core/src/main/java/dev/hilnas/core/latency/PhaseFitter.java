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
 * The interval comes from the out-of-fold residuals of the chosen pipeline (split-conformal style),
 * so its width is what the model actually achieved on unseen architectures. Deterministic.
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
  private static final double HUBER_K = 1.345 * 1.4826;
  private static final double MIN_HUBER_DELTA = 0.02;

  private PhaseFitter() {}

  /**
   * @param observations at least one
   */
  static PhaseModel fit(List<Observation> observations) {
    int n = observations.size();
    int[] fold = folds(observations);
    int folds = Arrays.stream(fold).max().orElse(0) + 1;
    int[] all = range(n);
    if (folds < 2) {
      double[] prices = prices(observations, all, DEFAULT_PULL);
      FitQuality quality = new FitQuality(n, folds, Accuracy.of(new double[0], new double[0]), 0);
      return new PhaseModel(
          prices, DEFAULT_PULL, ResidualTrees.NONE, -PRIOR_HALF_WIDTH, PRIOR_HALF_WIDTH, quality);
    }
    // step 2's pull, by CV of the linear model alone
    double[][] oofByPull = new double[PULLS.length][n];
    for (int k = 0; k < folds; k++) {
      int[] train = select(fold, k, false);
      int[] test = select(fold, k, true);
      for (int p = 0; p < PULLS.length; p++) {
        double[] prices = prices(observations, train, PULLS[p]);
        for (int i : test) {
          oofByPull[p][i] = linearMs(prices, observations.get(i));
        }
      }
    }
    int bestPull = argmin(oofByPull, observations);
    double pull = PULLS[bestPull];
    double[] oof = oofByPull[bestPull];
    // step 3's tree count, by CV of the whole pipeline
    int treeCount = 0;
    if (n >= MIN_OBSERVATIONS_FOR_TREES && folds >= 3) {
      int maxTrees = TREE_COUNTS[TREE_COUNTS.length - 1];
      double[][] oofByTrees = new double[TREE_COUNTS.length][n];
      for (int k = 0; k < folds; k++) {
        int[] train = select(fold, k, false);
        double[] prices = prices(observations, train, pull);
        ResidualTrees trees = boostResidual(observations, train, prices, maxTrees);
        for (int i : select(fold, k, true)) {
          Observation o = observations.get(i);
          double linear = linearMs(prices, o);
          double[] corrections = trees.predictPrefixes(o.shape(), TREE_COUNTS);
          for (int t = 0; t < TREE_COUNTS.length; t++) {
            oofByTrees[t][i] = linear * Math.exp(corrections[t]);
          }
        }
      }
      int best = argmin(oofByTrees, observations);
      treeCount = TREE_COUNTS[best];
      oof = oofByTrees[best];
    }
    double[] prices = prices(observations, all, pull);
    ResidualTrees trees =
        treeCount == 0 ? ResidualTrees.NONE : boostResidual(observations, all, prices, treeCount);
    double[] measured = observations.stream().mapToDouble(Observation::latencyMs).toArray();
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
    return new PhaseModel(prices, pull, trees, low, high, quality);
  }

  /**
   * The fast path for frequent refits: the price list and trees refitted on {@code observations}
   * with the pull and tree count that {@code previous} chose by cross-validation, keeping its
   * interval and CV figures (as of that cross-validation). Equal to what {@link #fit} would give if
   * its cross-validation chose the same settings.
   */
  static PhaseModel refit(List<Observation> observations, PhaseModel previous) {
    int n = observations.size();
    int[] all = range(n);
    double[] prices = prices(observations, all, previous.pull());
    int treeCount = previous.residual().trees();
    ResidualTrees trees =
        treeCount == 0 ? ResidualTrees.NONE : boostResidual(observations, all, prices, treeCount);
    FitQuality old = previous.quality();
    FitQuality quality = new FitQuality(n, distinctGroups(observations), old.cv(), treeCount);
    return new PhaseModel(
        prices, previous.pull(), trees, previous.lowLog(), previous.highLog(), quality);
  }

  /** Steps 1 and 2 on the given rows: the coarse prior, then the pulled, robust price list. */
  static double[] prices(List<Observation> observations, int[] rows, double pull) {
    int p = Features.COUNT;
    double[][] relative = new double[rows.length][];
    double[][] coarse = new double[rows.length][3];
    for (int r = 0; r < rows.length; r++) {
      Observation o = observations.get(rows[r]);
      double[] a = new double[p];
      for (int j = 0; j < p; j++) {
        a[j] = o.work()[j] / o.latencyMs();
        Features.Resource resource = Features.RESOURCE[j];
        double weight = resource == Features.Resource.OVERHEAD ? Features.KERNELS[j] : 1;
        coarse[r][resource.ordinal()] += weight * a[j];
      }
      relative[r] = a;
    }
    double[] resourcePrice = robustNnls(coarse, new double[3], 1e-6);
    double[] prior = new double[p];
    for (int j = 0; j < p; j++) {
      Features.Resource resource = Features.RESOURCE[j];
      double weight = resource == Features.Resource.OVERHEAD ? Features.KERNELS[j] : 1;
      prior[j] = weight * resourcePrice[resource.ordinal()];
    }
    return robustNnls(relative, prior, pull);
  }

  /**
   * Minimises the Huber loss of {@code a·c − 1} (relative error when rows are features / latency)
   * plus {@code pull · Σw · |c − prior|²} in column-normalised units, subject to {@code c >= 0}.
   */
  private static double[] robustNnls(double[][] a, double[] prior, double pull) {
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
    double[] weight = new double[n];
    Arrays.fill(weight, 1);
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
        weight[i] = error[i] <= delta ? 1 : delta / error[i];
      }
    }
    return c;
  }

  private static ResidualTrees boostResidual(
      List<Observation> observations, int[] rows, double[] prices, int trees) {
    double[][] shape = new double[rows.length][];
    double[] target = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      Observation o = observations.get(rows[r]);
      shape[r] = o.shape();
      target[r] = Math.log(o.latencyMs() / linearMs(prices, o));
    }
    return ResidualTrees.boost(shape, target, trees);
  }

  private static double linearMs(double[] prices, Observation o) {
    double sum = 0;
    for (int j = 0; j < prices.length; j++) {
      sum += prices[j] * o.work()[j];
    }
    return Math.max(sum, PhaseModel.MIN_MS);
  }

  /** Index of the candidate prediction set with the smallest mean absolute log error. */
  private static int argmin(double[][] predictions, List<Observation> observations) {
    int best = 0;
    double bestError = Double.POSITIVE_INFINITY;
    for (int c = 0; c < predictions.length; c++) {
      double error = 0;
      for (int i = 0; i < observations.size(); i++) {
        error += Math.abs(Math.log(predictions[c][i] / observations.get(i).latencyMs()));
      }
      if (error < bestError - 1e-12) {
        bestError = error;
        best = c;
      }
    }
    return best;
  }

  /** Fold of every observation: architectures in sorted id order, dealt round-robin. */
  static int[] folds(List<Observation> observations) {
    TreeMap<String, Integer> rank = new TreeMap<>();
    observations.forEach(o -> rank.put(o.group(), 0));
    int folds = Math.min(observations.size() >= FEWER_FOLDS_FROM ? 3 : FOLDS, rank.size());
    int r = 0;
    for (var entry : rank.entrySet()) {
      entry.setValue(r++ % folds);
    }
    return observations.stream().mapToInt(o -> folds < 2 ? 0 : rank.get(o.group())).toArray();
  }

  private static int distinctGroups(List<Observation> observations) {
    return (int) observations.stream().map(Observation::group).distinct().count();
  }

  private static int[] select(int[] fold, int k, boolean inFold) {
    return IntStream.range(0, fold.length).filter(i -> (fold[i] == k) == inFold).toArray();
  }

  private static int[] range(int n) {
    return IntStream.range(0, n).toArray();
  }
}
