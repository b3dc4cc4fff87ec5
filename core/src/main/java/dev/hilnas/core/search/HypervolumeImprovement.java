package dev.hilnas.core.search;

import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.ReferencePoint;
import java.util.List;

/**
 * How much hypervolume one new (latency, quality) point would add to a 2-D frontier (both
 * minimised).
 */
final class HypervolumeImprovement {
  private HypervolumeImprovement() {}

  /**
   * @param front the frontier, fastest first (quality falling), as {@code Frontier.points()} gives
   *     it
   */
  static double of(
      List<FrontierPoint> front, ReferencePoint reference, double latency, double quality) {
    if (latency >= reference.latencyMs() || quality >= reference.quality()) {
      return 0;
    }
    double ceiling = reference.quality(); // the best frontier quality at latencies <= x
    int i = 0;
    while (i < front.size() && front.get(i).latencyMs() <= latency) {
      ceiling = Math.min(ceiling, front.get(i).quality());
      i++;
    }
    double area = 0;
    double x = latency;
    while (ceiling > quality && x < reference.latencyMs()) {
      double next =
          i < front.size()
              ? Math.min(front.get(i).latencyMs(), reference.latencyMs())
              : reference.latencyMs();
      area += (next - x) * (ceiling - quality);
      x = next;
      if (i < front.size()) {
        ceiling = Math.min(ceiling, front.get(i).quality());
        i++;
      }
    }
    return area;
  }
}
