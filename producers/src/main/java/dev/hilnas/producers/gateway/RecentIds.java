package dev.hilnas.producers.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids accepted most recently, about {@code capacity} of them: in stripes by hash, each with its
 * own lock and forgetting its oldest beyond its share, so that concurrent batches seldom wait for
 * each other (one map behind one lock was where the gateway's request threads queued). Thread-safe.
 */
final class RecentIds {

  private final Map<String, Boolean>[] stripes;

  @SuppressWarnings("unchecked")
  RecentIds(int capacity, int stripeCount) {
    int share = Math.max(1, capacity / stripeCount);
    stripes = new Map[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] =
          new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > share;
            }
          };
    }
  }

  boolean contains(String id) {
    Map<String, Boolean> stripe = stripe(id);
    synchronized (stripe) {
      return stripe.containsKey(id);
    }
  }

  void add(String id) {
    Map<String, Boolean> stripe = stripe(id);
    synchronized (stripe) {
      stripe.put(id, true);
    }
  }

  private Map<String, Boolean> stripe(String id) {
    return stripes[Math.floorMod(id.hashCode(), stripes.length)];
  }
}
