package dev.hilnas.core.frontier;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The latency × quality Pareto frontier of a set of points, maintained exactly under insert,
 * replace and remove. All points are kept (a removal can bring a dominated point back); the
 * frontier is a map from latency to the point, with quality strictly falling as latency rises. Of
 * two identical (latency, quality) points the one with the smaller arch id stays on the frontier,
 * so the result never depends on arrival order. Not thread-safe.
 */
public final class Frontier {

  private static final Comparator<FrontierPoint> ORDER =
      Comparator.comparingDouble(FrontierPoint::latencyMs)
          .thenComparingDouble(FrontierPoint::quality)
          .thenComparing(FrontierPoint::archId);

  private final Map<String, FrontierPoint> all = new HashMap<>();
  private final TreeMap<Double, FrontierPoint> front = new TreeMap<>();

  /** The frontier of {@code points}; later points of the same arch id replace earlier ones. */
  public static Frontier of(Collection<FrontierPoint> points) {
    Frontier f = new Frontier();
    points.forEach(f::put);
    return f;
  }

  /**
   * Adds a point, or replaces the point of the same architecture.
   *
   * @return whether the frontier changed
   */
  public boolean put(FrontierPoint p) {
    FrontierPoint old = all.get(p.archId());
    if (p.equals(old)) {
      return false; // keeps the instance the frontier may hold
    }
    all.put(p.archId(), p);
    if (old != null && front.get(old.latencyMs()) == old) {
      rebuild();
      return true;
    }
    return insert(p);
  }

  /**
   * @return whether the frontier changed
   */
  public boolean remove(String archId) {
    FrontierPoint old = all.remove(archId);
    if (old == null || front.get(old.latencyMs()) != old) {
      return false;
    }
    rebuild();
    return true;
  }

  /**
   * Puts and removes many points, ranking once: a new latency model moves every predicted point,
   * and replacing them one by one re-sorted all points for each frontier point among them.
   *
   * @param changes arch id to its new point, or to null to remove it
   * @return whether any point changed
   */
  public boolean update(Map<String, FrontierPoint> changes) {
    boolean changed = false;
    for (Map.Entry<String, FrontierPoint> c : changes.entrySet()) {
      if (Objects.equals(all.get(c.getKey()), c.getValue())) {
        continue; // keeps the instance the frontier may hold: put and remove find it by identity
      }
      if (c.getValue() == null) {
        all.remove(c.getKey());
      } else {
        all.put(c.getKey(), c.getValue());
      }
      changed = true;
    }
    if (changed) {
      rebuild();
    }
    return changed;
  }

  private boolean insert(FrontierPoint p) {
    var faster = front.floorEntry(p.latencyMs());
    if (faster != null
        && faster.getValue().quality() <= p.quality()
        && !beats(p, faster.getValue())) {
      return false; // a point at most as slow is at least as good
    }
    // drop the frontier points at least as slow that p beats; the first it does not beat is
    // better in quality, and so is every slower one
    var slower = front.tailMap(p.latencyMs(), true).entrySet().iterator();
    while (slower.hasNext()) {
      FrontierPoint q = slower.next().getValue();
      if (!(q.quality() > p.quality() || beats(p, q))) {
        break;
      }
      slower.remove();
    }
    front.put(p.latencyMs(), p);
    return true;
  }

  /** Whether p takes q's place: p is better, or identical with the smaller arch id. */
  private static boolean beats(FrontierPoint p, FrontierPoint q) {
    if (p.dominates(q)) {
      return true;
    }
    boolean identical = p.latencyMs() == q.latencyMs() && p.quality() == q.quality();
    return identical && p.archId().compareTo(q.archId()) < 0;
  }

  private void rebuild() {
    front.clear();
    List<FrontierPoint> sorted = new ArrayList<>(all.values());
    sorted.sort(ORDER);
    double bestQuality = Double.POSITIVE_INFINITY;
    for (FrontierPoint p : sorted) {
      if (p.quality() < bestQuality) {
        front.put(p.latencyMs(), p);
        bestQuality = p.quality();
      }
    }
  }

  /** The frontier, fastest first. */
  public List<FrontierPoint> points() {
    return List.copyOf(front.values());
  }

  /** Every point held, frontier or not, in latency order. */
  public List<FrontierPoint> all() {
    List<FrontierPoint> out = new ArrayList<>(all.values());
    out.sort(ORDER);
    return out;
  }

  public Optional<FrontierPoint> point(String archId) {
    return Optional.ofNullable(all.get(archId));
  }

  /** The best-quality point whose latency is at most {@code maxLatencyMs}. */
  public Optional<FrontierPoint> best(double maxLatencyMs) {
    return Optional.ofNullable(front.floorEntry(maxLatencyMs)).map(Map.Entry::getValue);
  }

  /**
   * Area dominated by the frontier inside the box from (0, 0) to the reference point, in ms ×
   * quality units; points outside the box add nothing.
   */
  public double hypervolume(ReferencePoint reference) {
    double area = 0;
    List<FrontierPoint> inside =
        front.values().stream()
            .filter(p -> p.latencyMs() < reference.latencyMs() && p.quality() < reference.quality())
            .toList();
    for (int i = 0; i < inside.size(); i++) {
      double nextLatency =
          i + 1 < inside.size() ? inside.get(i + 1).latencyMs() : reference.latencyMs();
      area +=
          (nextLatency - inside.get(i).latencyMs())
              * (reference.quality() - inside.get(i).quality());
    }
    return area;
  }

  public int size() {
    return all.size();
  }
}
