package dev.hilnas.core.latency;

/**
 * A predicted latency with its 80% interval.
 *
 * @param latencyMs point prediction, ms
 * @param lowMs lower bound of the interval, ms, <= latencyMs
 * @param highMs upper bound of the interval, ms, >= latencyMs
 */
public record LatencyPrediction(double latencyMs, double lowMs, double highMs) {

  /** The share of unseen architectures' latencies the interval is to hold, 0..1. */
  public static final double LEVEL = PhaseFitter.INTERVAL;
}
