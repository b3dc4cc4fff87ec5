package dev.hilnas.core.latency;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Phase;

/**
 * Predicts the latency of a candidate on one hardware target. Implementations are immutable and
 * thread-safe; a refit produces a new model.
 */
public interface LatencyModel {

  /** Whether the model has data for the phase; predicting an uncovered phase throws. */
  boolean covers(Phase phase);

  /**
   * @param contextLength prompt length (PREFILL) or KV-cache length (DECODE), tokens
   * @throws IllegalArgumentException when the phase is not covered
   */
  LatencyPrediction predict(Candidate candidate, Phase phase, int contextLength);

  /** The point prediction alone, ms: the hot path of search, which scores millions. */
  double predictMs(Candidate candidate, Phase phase, int contextLength);

  /**
   * The interval of a prediction of {@code ms} this model made on the phase: what {@link #predict}
   * gives, without predicting again (a frontier update carries thousands of predicted points).
   *
   * @throws IllegalArgumentException when the phase is not covered
   */
  LatencyPrediction interval(Phase phase, double ms);
}
