package dev.hilnas.core.frontier;

/** Where a frontier point's latency comes from. */
public enum LatencySource {
  /** Timed on the target for the objective's phase and context. */
  MEASURED,
  /** Predicted by the target's latency model. */
  PREDICTED
}
