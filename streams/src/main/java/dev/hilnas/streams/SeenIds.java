package dev.hilnas.streams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * The measurement ids one target has seen lately, to drop repeats: each id as a 128-bit hash (a
 * false repeat needs two of a target's ids to collide, about 1 in 10<sup>26</sup> for a million
 * ids), in buckets of consecutive arrivals. An id is remembered for at least {@code memory}, and
 * while it is among the target's newest {@code capacity} ids: the oldest bucket goes once all its
 * ids are older than {@code memory}, or once the target holds more than {@code capacity}.
 *
 * <p>Held as one value per target in the job's state, written in bulk ({@link SeenIdsSerializer}):
 * against keyed state per id with a time-to-live, this took a shuffle out of the job and the
 * largest cost out of its checkpoints. Not thread-safe.
 */
final class SeenIds {

  /** How many buckets {@code capacity} is split into: the granularity of forgetting by count. */
  static final int BUCKETS = 8;

  private final ArrayDeque<Bucket> buckets;

  SeenIds() {
    this(new ArrayDeque<>());
  }

  private SeenIds(ArrayDeque<Bucket> buckets) {
    this.buckets = buckets;
  }

  /**
   * Remembers {@code id}, seen at {@code nowMs}, forgetting what the bounds let go.
   *
   * @return whether it is new: false for a repeat of an id remembered
   */
  boolean add(String id, long nowMs, Duration memory, int capacity) {
    long[] hash = MurmurHash3.hash128x64(id.getBytes(StandardCharsets.UTF_8));
    for (Bucket b : buckets) {
      if (b.contains(hash[0], hash[1])) {
        return false;
      }
    }
    Bucket newest = buckets.peekLast();
    long period = Math.max(1, memory.toMillis() / BUCKETS);
    int perBucket = Math.max(1, capacity / BUCKETS);
    if (newest == null || nowMs - newest.startMs >= period || newest.size >= perBucket) {
      newest = new Bucket(nowMs);
      buckets.addLast(newest);
    }
    newest.add(hash[0], hash[1]);
    forget(nowMs, memory, capacity);
    return true;
  }

  private void forget(long nowMs, Duration memory, int capacity) {
    long total = size();
    while (buckets.size() > 1) {
      Iterator<Bucket> oldestFirst = buckets.iterator();
      Bucket oldest = oldestFirst.next();
      // every id of the oldest bucket arrived before the next one started
      boolean expired = nowMs - oldestFirst.next().startMs >= memory.toMillis();
      if (!expired && total <= capacity) {
        return;
      }
      buckets.removeFirst();
      total -= oldest.size;
    }
  }

  /** Ids remembered. */
  long size() {
    long n = 0;
    for (Bucket b : buckets) {
      n += b.size;
    }
    return n;
  }

  ArrayDeque<Bucket> buckets() {
    return buckets;
  }

  static SeenIds of(ArrayDeque<Bucket> buckets) {
    return new SeenIds(buckets);
  }

  SeenIds copy() {
    ArrayDeque<Bucket> copies = new ArrayDeque<>(buckets.size());
    buckets.forEach(b -> copies.addLast(b.copy()));
    return new SeenIds(copies);
  }

  /**
   * The ids that arrived from {@code startMs} on until the next bucket: an open-addressing table of
   * (high, low) pairs, (0, 0) marking a free slot.
   */
  static final class Bucket {
    private static final double LOAD = 0.6;

    final long startMs;
    private long[] slots; // 2 longs a slot
    private int size;

    Bucket(long startMs) {
      this(startMs, new long[2 * 64], 0);
    }

    private Bucket(long startMs, long[] slots, int size) {
      this.startMs = startMs;
      this.slots = slots;
      this.size = size;
    }

    int size() {
      return size;
    }

    boolean contains(long high, long low) {
      if (high == 0 && low == 0) {
        low = 1;
      }
      int mask = slots.length / 2 - 1;
      for (int i = (int) (low ^ (low >>> 32)) & mask; ; i = (i + 1) & mask) {
        long h = slots[2 * i];
        long l = slots[2 * i + 1];
        if (h == 0 && l == 0) {
          return false;
        }
        if (h == high && l == low) {
          return true;
        }
      }
    }

    /** Adds a pair not held yet. */
    void add(long high, long low) {
      if (high == 0 && low == 0) {
        low = 1; // (0, 0) marks a free slot
      }
      if (size + 1 > LOAD * (slots.length / 2)) {
        grow();
      }
      put(slots, high, low);
      size++;
    }

    private void grow() {
      long[] bigger = new long[slots.length * 2];
      for (int i = 0; i < slots.length; i += 2) {
        if (slots[i] != 0 || slots[i + 1] != 0) {
          put(bigger, slots[i], slots[i + 1]);
        }
      }
      slots = bigger;
    }

    private static void put(long[] table, long high, long low) {
      int mask = table.length / 2 - 1;
      int i = (int) (low ^ (low >>> 32)) & mask;
      while (table[2 * i] != 0 || table[2 * i + 1] != 0) {
        i = (i + 1) & mask;
      }
      table[2 * i] = high;
      table[2 * i + 1] = low;
    }

    /** Calls {@code pair} on every (high, low) held. */
    void forEach(PairConsumer pair) throws java.io.IOException {
      for (int i = 0; i < slots.length; i += 2) {
        if (slots[i] != 0 || slots[i + 1] != 0) {
          pair.accept(slots[i], slots[i + 1]);
        }
      }
    }

    Bucket copy() {
      return new Bucket(startMs, slots.clone(), size);
    }
  }

  /** Receives one 128-bit id. */
  interface PairConsumer {
    void accept(long high, long low) throws java.io.IOException;
  }
}
