package dev.hilnas.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** The few summary statistics hilnas needs, in one place. */
public final class Statistics {
  private Statistics() {}

  /**
   * The median: the middle value, or the mean of the two middle values of an even count.
   *
   * @throws IllegalArgumentException for no values
   */
  public static double median(Collection<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("the median of no values is undefined");
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * The q-quantile, interpolated linearly between the two nearest ranks (numpy's and R's default):
   * the least value at 0, the median at 0.5, the greatest at 1.
   *
   * @throws IllegalArgumentException for no values, or q outside 0..1
   */
  public static double quantile(double[] values, double q) {
    if (!(q >= 0 && q <= 1)) { // NaN too
      throw new IllegalArgumentException("quantile must be in 0..1, got " + q);
    }
    if (values.length == 0) {
      throw new IllegalArgumentException("a quantile of no values is undefined");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }
}
