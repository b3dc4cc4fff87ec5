package dev.hilnas.core.latency;

import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How well predictions match measurements.
 *
 * @param n number of pairs
 * @param within10 share of predictions within ±10% of the measurement, 0..1
 * @param mape mean absolute percentage error as a fraction (0.05 = 5%)
 * @param spearman rank correlation of predicted and measured latency; NaN for fewer than 2 pairs or
 *     constant values
 */
public record Accuracy(int n, double within10, double mape, double spearman) {

  /** Relative error below which a prediction counts as "within 10%". */
  public static final double TEN_PERCENT = 0.10;

  /**
   * @throws IllegalArgumentException when the arrays differ in length
   */
  public static Accuracy of(double[] predicted, double[] measured) {
    if (predicted.length != measured.length) {
      throw new IllegalArgumentException(
          predicted.length + " predictions for " + measured.length + " measurements");
    }
    int n = measured.length;
    if (n == 0) {
      return new Accuracy(0, Double.NaN, Double.NaN, Double.NaN);
    }
    int within = 0;
    double ape = 0;
    for (int i = 0; i < n; i++) {
      double relative = Math.abs(predicted[i] - measured[i]) / measured[i];
      ape += relative;
      if (relative <= TEN_PERCENT) {
        within++;
      }
    }
    return new Accuracy(n, (double) within / n, ape / n, spearman(predicted, measured));
  }

  private static double spearman(double[] predicted, double[] measured) {
    if (predicted.length < 2) {
      return Double.NaN;
    }
    return new SpearmansCorrelation().correlation(predicted, measured);
  }
}
