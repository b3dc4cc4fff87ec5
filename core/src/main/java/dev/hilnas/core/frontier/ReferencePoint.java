package dev.hilnas.core.frontier;

import java.util.Collection;

/**
 * The corner hypervolume is measured against: the worst latency and quality that still count. Fixed
 * per objective, so hypervolumes of successive frontiers compare.
 *
 * @param latencyMs ms, > 0
 * @param quality quality loss, > 0
 */
public record ReferencePoint(double latencyMs, double quality) {

  public ReferencePoint {
    if (!(latencyMs > 0)
        || !(quality > 0)
        || Double.isInfinite(latencyMs)
        || Double.isInfinite(quality)) {
      throw new IllegalArgumentException(
          "reference point must have finite latency and quality > 0, got "
              + latencyMs
              + ", "
              + quality);
    }
  }

  /** 10% beyond the worst latency and quality of {@code points}: every point counts. */
  public static ReferencePoint beyond(Collection<FrontierPoint> points) {
    double latency = points.stream().mapToDouble(FrontierPoint::latencyMs).max().orElse(1);
    double quality = points.stream().mapToDouble(FrontierPoint::quality).max().orElse(1);
    return new ReferencePoint(latency * 1.1, quality * 1.1);
  }
}
