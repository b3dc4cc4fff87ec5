package dev.hilnas.core.frontier;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The latency × quality Pareto frontier of a set of points, maintained exactly under insert,
 * replace and remove. All points are kept (a removal can bring a dominated point back); the
 * frontier is a map from latency to the point, with quality strictly falling as latency rises. Of
 * two identical (latency, quality) points the one with the smaller arch id stays on the frontier,
 * so the result never depends on arrival order. Not thread-safe.
 */
public final class Frontier {

  /**
   * Latency, then quality, then arch id. Written out: the chained comparator's lambdas took a third
   * of a re-rank's time.
   */
  private static final Comparator<FrontierPoint> ORDER = Frontier::compare;

  private static int compare(FrontierPoint a, FrontierPoint b) {
    int byLatency = Double.compare(a.latencyMs(), b.latencyMs());
    if (byLatency != 0) {
      return byLatency;
    }
    int byQuality = Double.compare(a.quality(), b.quality());
    return byQuality != 0 ? byQuality : a.archId().compareTo(b.archId());
  }

  private final Map<String, FrontierPoint> all = new HashMap<>();
  // the same points in ORDER: an update lists the fastest few thousand of a target's points, and
  // sorting every point for each update cost ms per update at 10,000 evaluations
  private final TreeSet<FrontierPoint> ordered = new TreeSet<>(ORDER);
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
    hold(p.archId(), old, p);
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
    FrontierPoint old = all.get(archId);
    hold(archId, old, null);
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
      if (c.getValue() != null && !c.getValue().archId().equals(c.getKey())) {
        throw new IllegalArgumentException(
            "point of " + c.getValue().archId() + " given for " + c.getKey());
      }
      FrontierPoint old = all.get(c.getKey());
      if (Objects.equals(old, c.getValue())) {
        continue; // keeps the instance the frontier may hold: put and remove find it by identity
      }
      hold(c.getKey(), old, c.getValue());
      changed = true;
    }
    if (changed) {
      rebuild();
    }
    return changed;
  }

  /**
   * Holds {@code next} (null: nothing) for {@code archId} in place of {@code old}, in both views.
   */
  private void hold(String archId, FrontierPoint old, FrontierPoint next) {
    if (old != null) {
      ordered.remove(old);
    }
    if (next == null) {
      all.remove(archId);
    } else {
      all.put(archId, next);
      ordered.add(next);
    }
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
    double bestQuality = Double.POSITIVE_INFINITY;
    for (FrontierPoint p : ordered) {
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
    return new ArrayList<>(ordered);
  }

  /** Every point held, frontier or not, in latency order: a read-only view, not a copy. */
  public Collection<FrontierPoint> inOrder() {
    return Collections.unmodifiableCollection(ordered);
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
