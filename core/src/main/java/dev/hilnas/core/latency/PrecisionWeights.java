package dev.hilnas.core.latency;

import dev.hilnas.core.Statistics;
import java.util.Arrays;
import java.util.List;

/**
 * How much each point counts in a fit: the inverse of its expected squared relative error, which is
 * the variance of its median (few or widely spread samples: large) plus the model's own error (a
 * floor, so that a point whose samples happen to agree exactly does not dominate). Normalised so
 * that a perfectly measured point weighs 1, and bounded below by {@link #MIN_WEIGHT}: no point
 * counts more than ten times another.
 */
final class PrecisionWeights {

  /** Relative error the price list makes anyway; on real devices it is rarely closer than 5%. */
  static final double MODEL_ERROR = 0.05;

  static final double MIN_WEIGHT = 0.1;

  /**
   * A point's own sample variance is shrunk toward the target's typical one as if that were this
   * many extra degrees of freedom: two samples that happen to agree say little about precision.
   */
  static final double PRIOR_DEGREES = 4;

  /** Variance of a median over that of a mean, for normal samples. */
  private static final double MEDIAN_INEFFICIENCY = Math.PI / 2;

  private PrecisionWeights() {}

  /** One weight per observation, in (0, 1]; all 1 when no point reports two samples or more. */
  static double[] of(List<TrainingPoint> observations) {
    int n = observations.size();
    double[] weight = new double[n];
    Arrays.fill(weight, 1);
    double[] known =
        observations.stream()
            .mapToDouble(TrainingPoint::sampleVariance)
            .filter(v -> !Double.isNaN(v))
            .toArray();
    if (known.length == 0) {
      return weight; // nothing says how precise any point is: all count alike
    }
    double typical = Statistics.quantile(known, 0.5);
    double[] medianVariance = new double[n];
    double[] counted = new double[n];
    int withCount = 0;
    for (int i = 0; i < n; i++) {
      TrainingPoint o = observations.get(i);
      if (o.samples() < 1) {
        medianVariance[i] = Double.NaN;
        continue;
      }
      double degrees = Double.isNaN(o.sampleVariance()) ? 0 : o.samples() - 1;
      double own = degrees == 0 ? 0 : o.sampleVariance();
      double variance = (degrees * own + PRIOR_DEGREES * typical) / (degrees + PRIOR_DEGREES);
      medianVariance[i] = MEDIAN_INEFFICIENCY * variance / o.samples();
      counted[withCount++] = medianVariance[i];
    }
    // a point that does not say how it was sampled is taken to be a typical one
    double unknown = Statistics.quantile(Arrays.copyOf(counted, withCount), 0.5);
    double floor = MODEL_ERROR * MODEL_ERROR;
    for (int i = 0; i < n; i++) {
      double v = Double.isNaN(medianVariance[i]) ? unknown : medianVariance[i];
      weight[i] = Math.max(MIN_WEIGHT, floor / (floor + v));
    }
    return weight;
  }
}
