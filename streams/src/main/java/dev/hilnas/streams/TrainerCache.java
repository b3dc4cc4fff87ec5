package dev.hilnas.streams;

import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.TrainingPoint;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-target trainers of one instance of the refit operator, holding their points converted
 * between refits: converting every held point from Avro at each refit was a fifth of the refit's
 * cost. Bounded by the points held in all: beyond it the least recently used target goes, to be
 * rebuilt from state at its next refit. Transient (not state), so a restore starts it empty.
 */
final class TrainerCache {
  private final int maxPoints;
  private final LinkedHashMap<String, LatencyModelTrainer> byTarget =
      new LinkedHashMap<>(16, 0.75f, true);
  private long points;

  TrainerCache(int maxPoints) {
    if (maxPoints < 1) {
      throw new IllegalArgumentException("the cache must hold >= 1 point, got " + maxPoints);
    }
    this.maxPoints = maxPoints;
  }

  /** The target's trainer; null when it is not cached. */
  LatencyModelTrainer get(String target) {
    return byTarget.get(target);
  }

  void put(String target, LatencyModelTrainer trainer) {
    LatencyModelTrainer before = byTarget.put(target, trainer);
    points += trainer.size() - (before == null ? 0 : before.size());
    evict();
  }

  /** Adds {@code point} to the cached {@code trainer} of {@code target}. */
  void add(String target, LatencyModelTrainer trainer, TrainingPoint point) {
    int before = trainer.size();
    trainer.add(point);
    points += trainer.size() - before;
    evict();
  }

  /** Points held, all targets. */
  long points() {
    return points;
  }

  int targets() {
    return byTarget.size();
  }

  private void evict() {
    Iterator<Map.Entry<String, LatencyModelTrainer>> eldestFirst = byTarget.entrySet().iterator();
    while (points > maxPoints && byTarget.size() > 1) {
      points -= eldestFirst.next().getValue().size();
      eldestFirst.remove();
    }
  }
}
