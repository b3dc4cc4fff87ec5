package dev.hilnas.schemas;

import dev.hilnas.core.Objective;
import dev.hilnas.core.latency.LatencyModel;
import java.util.HashMap;
import java.util.Map;

/**
 * The wire form of every point in one target's last update of each objective, so that its next
 * update converts only the points that changed. With thousands of evaluations an update carries up
 * to {@link FrontierUpdates#MAX_OTHERS} dominated points, up to four times a second per objective,
 * and converting each of them again (its candidate above all) was most of building the update.
 *
 * <p>Not thread-safe: one per target, used by the operator that owns the target. The wire records
 * it hands out are shared between updates, so nothing may change them once built.
 */
public final class WirePoints {

  /** A point's wire form, valid while the point, and the model when it is predicted, are equal. */
  private record Wired(
      dev.hilnas.core.frontier.FrontierPoint point, LatencyModel model, FrontierPoint wire) {}

  private final Map<Objective, Map<String, Wired>> last = new HashMap<>();
  private Map<String, Wired> building; // the points of the update being built

  /** How many points it holds the wire form of, over all objectives. */
  public int size() {
    int n = 0;
    for (Map<String, Wired> points : last.values()) {
      n += points.size();
    }
    return n;
  }

  /** The wire form kept from the objective's last update, or null when the point has changed. */
  FrontierPoint reuse(
      Objective objective, dev.hilnas.core.frontier.FrontierPoint point, LatencyModel model) {
    Wired w = last.getOrDefault(objective, Map.of()).get(point.archId());
    if (w == null || !w.point().equals(point) || (w.model() != model && predicted(point))) {
      return null;
    }
    return w.wire();
  }

  /** The architecture's candidate on the wire from any objective's last update, or null. */
  Candidate candidate(String archId) {
    for (Map<String, Wired> points : last.values()) {
      Wired w = points.get(archId);
      if (w != null) {
        return w.wire().getCandidate();
      }
    }
    return null;
  }

  /** Starts an update, dropping what a failed one left. */
  void start() {
    building = new HashMap<>();
  }

  /** Notes a point of the update being built. */
  void keep(dev.hilnas.core.frontier.FrontierPoint point, LatencyModel model, FrontierPoint wire) {
    // a measured point's form does not depend on the model: it is not kept for it
    building.put(point.archId(), new Wired(point, predicted(point) ? model : null, wire));
  }

  /** The update of {@code objective} is built: its points replace those of the last one. */
  void built(Objective objective) {
    last.put(objective, building);
    building = null;
  }

  private static boolean predicted(dev.hilnas.core.frontier.FrontierPoint point) {
    return point.source() == dev.hilnas.core.frontier.LatencySource.PREDICTED;
  }
}
