package dev.hilnas.core;

import java.util.ArrayList;
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
}
