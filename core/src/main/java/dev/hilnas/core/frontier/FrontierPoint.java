package dev.hilnas.core.frontier;

/**
 * One evaluated candidate on one objective: its latency and its quality loss, both lower-better.
 *
 * @param archId the architecture, the identity of the point
 * @param candidateId the source's label, or null
 * @param latencyMs ms, finite and > 0
 * @param source whether {@code latencyMs} was measured or predicted
 * @param quality quality loss (perplexity), finite and > 0
 */
public record FrontierPoint(
    String archId, String candidateId, double latencyMs, LatencySource source, double quality) {

  public FrontierPoint {
    if (archId == null || archId.isBlank()) {
      throw new IllegalArgumentException("archId is required");
    }
    if (!Double.isFinite(latencyMs) || latencyMs <= 0) {
      throw new IllegalArgumentException("latencyMs must be a finite number > 0, got " + latencyMs);
    }
    if (!Double.isFinite(quality) || quality <= 0) {
      throw new IllegalArgumentException("quality must be a finite number > 0, got " + quality);
    }
    if (source == null) {
      throw new IllegalArgumentException("source is required (MEASURED or PREDICTED)");
    }
  }

  /** At least as fast and as good, and strictly better in one. */
  public boolean dominates(FrontierPoint other) {
    return latencyMs <= other.latencyMs
        && quality <= other.quality
        && (latencyMs < other.latencyMs || quality < other.quality);
  }
}
