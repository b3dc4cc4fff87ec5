package dev.hilnas.core.latency;

/**
 * The fitted latency model of one phase on one target: a non-negative price per unit of work
 * ({@link Features}), a multiplicative residual correction, and a calibrated 80% interval, for a
 * run of typical speed. Immutable and thread-safe.
 */
final class PhaseModel {

  /** Floor of the linear part, ms, so that a model with all prices 0 still predicts > 0. */
  static final double MIN_MS = 1e-6;

  private final double[] prices;
  private final double pull;
  private final ResidualTrees residual;
  private final double lowLog;
  private final double highLog;
  private final FitQuality quality;
  private final double runSpread;

  PhaseModel(
      double[] prices,
      double pull,
      ResidualTrees residual,
      double lowLog,
      double highLog,
      FitQuality quality,
      double runSpread) {
    this.prices = prices.clone();
    this.pull = pull;
    this.residual = residual;
    this.lowLog = lowLog;
    this.highLog = highLog;
    this.quality = quality;
    this.runSpread = runSpread;
  }

  /** Price per unit of each feature: ms per kernel, ms per GFLOP, ms per MB. */
  double[] prices() {
    return prices.clone();
  }

  /** The strength of the pull toward the roofline prior that cross-validation chose. */
  double pull() {
    return pull;
  }

  ResidualTrees residual() {
    return residual;
  }

  /** Log of the lower interval bound relative to the point prediction (<= 0). */
  double lowLog() {
    return lowLog;
  }

  /** Log of the upper interval bound relative to the point prediction (>= 0). */
  double highLog() {
    return highLog;
  }

  FitQuality quality() {
    return quality;
  }

  /**
   * Standard deviation of the log speed of the runs the fit saw ({@link RunEffects}); 0 when it saw
   * no drift, or no runs. Predictions are for a run of typical speed.
   */
  double runSpread() {
    return runSpread;
  }

  double linearMs(double[] work) {
    double sum = 0;
    for (int j = 0; j < prices.length; j++) {
      sum += prices[j] * work[j];
    }
    return Math.max(sum, MIN_MS);
  }

  double predictMs(double[] work, double[] shape) {
    double linear = linearMs(work);
    return residual.trees() == 0 ? linear : linear * Math.exp(residual.predict(shape));
  }
}
