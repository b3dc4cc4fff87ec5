package dev.hilnas.core.measure;

import dev.hilnas.core.Statistics;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * What a set of latency samples says about itself: the median, a distribution-free confidence
 * interval of the median (order statistics: its ranks come from Binomial(n, 1/2), so no normality
 * is assumed), the spread, Tukey's outliers and whether the samples look bimodal. Immutable.
 *
 * @param n samples
 * @param median ms
 * @param ciLow lower end of the median's confidence interval, ms
 * @param ciHigh upper end, ms
 * @param ciLevel the interval's actual coverage, e.g. 0.979 for 10 samples (at most {@link
 *     #CONFIDENCE} when enough samples; with fewer than 6 it is the range, covering less)
 * @param spread (max - min) / median
 * @param outliers samples beyond Tukey's fences (1.5 IQR beyond the quartiles)
 * @param bimodal the sorted samples split at one gap into two groups of a quarter or more, whose
 *     medians differ by more than {@link #BIMODAL_GAP} of the median and by more than either
 *     group's range: two speeds (a frequency step, a migrated thread), not noise
 */
public record SampleStats(
    int n,
    double median,
    double ciLow,
    double ciHigh,
    double ciLevel,
    double spread,
    int outliers,
    boolean bimodal) {

  /** The confidence the interval aims at. */
  public static final double CONFIDENCE = 0.95;

  /** Two groups of samples this far apart (the gap relative to the median) are two modes. */
  public static final double BIMODAL_GAP = 0.1;

  private static final double TUKEY = 1.5;

  /**
   * @throws IllegalArgumentException for no samples
   */
  public static SampleStats of(List<Double> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("statistics of no samples are undefined");
    }
    List<Double> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    int n = sorted.size();
    double median = Statistics.median(sorted);
    int rank = lowerRank(n); // 1-based; the interval is [x(rank), x(n + 1 - rank)]
    double level = n < 2 ? 0 : coverage(n, rank);
    double[] values = sorted.stream().mapToDouble(Double::doubleValue).toArray();
    double q1 = Statistics.quantile(values, 0.25);
    double q3 = Statistics.quantile(values, 0.75);
    double iqr = q3 - q1;
    int outliers = 0;
    for (double v : values) {
      if (v < q1 - TUKEY * iqr || v > q3 + TUKEY * iqr) {
        outliers++;
      }
    }
    return new SampleStats(
        n,
        median,
        sorted.get(rank - 1),
        sorted.get(n - rank),
        level,
        (sorted.get(n - 1) - sorted.get(0)) / median,
        outliers,
        bimodal(sorted, median));
  }

  /** (ciHigh - ciLow) / median: the interval's width relative to the median. */
  public double ciWidth() {
    return (ciHigh - ciLow) / median;
  }

  /**
   * The largest rank r with P(x(r) > median or x(n+1-r) < median) within 1 - {@link #CONFIDENCE},
   * else 1 (the whole range, when there are too few samples for that confidence).
   */
  static int lowerRank(int n) {
    if (n < 2) {
      return 1;
    }
    BinomialDistribution b = new BinomialDistribution(null, n, 0.5);
    int rank = 1;
    // the interval misses the median when fewer than r samples lie below it (or above it)
    while (rank + 1 <= (n + 1) / 2 && 2 * b.cumulativeProbability(rank) <= 1 - CONFIDENCE) {
      rank++;
    }
    return rank;
  }

  private static double coverage(int n, int rank) {
    BinomialDistribution b = new BinomialDistribution(null, n, 0.5);
    return 1 - 2 * b.cumulativeProbability(rank - 1);
  }

  private static boolean bimodal(List<Double> sorted, double median) {
    int n = sorted.size();
    int least = Math.max(2, (n + 3) / 4);
    for (int split = least; split <= n - least; split++) {
      List<Double> low = sorted.subList(0, split);
      List<Double> high = sorted.subList(split, n);
      double gap = high.get(0) - low.get(low.size() - 1);
      double lowRange = low.get(low.size() - 1) - low.get(0);
      double highRange = high.get(high.size() - 1) - high.get(0);
      if (gap > BIMODAL_GAP * median && gap > Math.max(lowRange, highRange) / 2) {
        return true;
      }
    }
    return false;
  }
}
