package dev.hilnas.core.frontier;

/**
 * One evaluated candidate on one objective: its latency and its quality loss, both lower-better.
 *
 * @param archId the architecture, the identity of the point
 * @param candidateId the source's label, or null
 * @param latencyMs ms, finite and > 0
 * @param source whether {@code latencyMs} was measured or predicted
 * @param quality quality loss (perplexity), finite and > 0
 * @param repeats how many measurements {@code latencyMs} is the median of; 0 when predicted
 */
public record FrontierPoint(
    String archId,
    String candidateId,
    double latencyMs,
    LatencySource source,
    double quality,
    int repeats) {

  /** A point measured once, or predicted. */
  public FrontierPoint(
      String archId, String candidateId, double latencyMs, LatencySource source, double quality) {
    this(archId, candidateId, latencyMs, source, quality, source == LatencySource.MEASURED ? 1 : 0);
  }

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
    if (source == LatencySource.MEASURED ? repeats < 1 : repeats != 0) {
      throw new IllegalArgumentException(
          "a measured point rests on at least 1 measurement, a predicted one on none; got "
              + repeats
              + " for "
              + source);
    }
  }

  /** At least as fast and as good, and strictly better in one. */
  public boolean dominates(FrontierPoint other) {
    return latencyMs <= other.latencyMs
        && quality <= other.quality
        && (latencyMs < other.latencyMs || quality < other.quality);
  }
}
