package dev.hilnas.streams;

import dev.hilnas.schemas.WirePoints;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The {@link WirePoints} of the targets an instance last published, at most {@link #MAX_POINTS}
 * points over all of them; beyond it the least recently used targets go, and their next updates
 * convert every point again. When more busy targets than fit take turns, each is gone before its
 * next update and the cache saves nothing (the updates are the same either way). Not thread-safe:
 * the operator's own.
 */
final class WiredTargets {

  /**
   * About 570 bytes of heap a point (its wire form, and its candidate's shared between objectives):
   * every objective of 10 targets with thousands of evaluations, 75 MB.
   */
  static final int MAX_POINTS = 131_072;

  // least recently used first: take removes a target, put adds it back last
  private final LinkedHashMap<String, WirePoints> byTarget = new LinkedHashMap<>();
  private int points;

  /** The target's wire points, out of the bound until {@link #put} returns them. */
  WirePoints take(String target) {
    WirePoints wired = byTarget.remove(target);
    if (wired == null) {
      return new WirePoints();
    }
    points -= wired.size();
    return wired;
  }

  void put(String target, WirePoints wired) {
    byTarget.put(target, wired);
    points += wired.size();
    Iterator<WirePoints> oldest = byTarget.values().iterator();
    while (points > MAX_POINTS && oldest.hasNext()) {
      points -= oldest.next().size();
      oldest.remove();
    }
  }

  /** Points held, all targets together. */
  int points() {
    return points;
  }
}
