package dev.hilnas.sinks.state;

import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.http.HttpJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read access to the materialised latency models, with each snapshot's model decoded once per
 * version. Thread-safe.
 *
 * <p>The store's processor tells the catalog each target's version as it writes it ({@link
 * #written}), so a snapshot read once is answered from memory until the target changes: reading one
 * from the store decodes the whole record on every request (bench query). Only the version of every
 * target is kept, a few dozen bytes each, and snapshots of the targets asked about. A target the
 * processor has not written since the start (a store restored from disk) is read from the store
 * each time. Answers come only while the store is queryable, so a service still loading answers 503
 * rather than a model that may be behind.
 */
public final class ModelCatalog {

  private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

  /** A snapshot's model, or why this version cannot read it. */
  private record Decoded(long version, Optional<AdditiveLatencyModel> model, String unreadable) {}

  /**
   * What tells two values of a target apart: the version, and the update time (a job that restarts
   * from a checkpoint may number a new value as an old one was).
   */
  private record Stamp(long version, Instant updatedAt) {
    static Stamp of(LatencyModelSnapshot s) {
      return new Stamp(s.getVersion(), s.getUpdatedAt());
    }
  }

  private final Supplier<ReadOnlyKeyValueStore<String, LatencyModelSnapshot>> store;
  private final ConcurrentHashMap<String, Stamp> newest = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LatencyModelSnapshot> read = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Decoded> decoded = new ConcurrentHashMap<>();

  /**
   * @param store looked up on every call, so a store that moves after a rebalance is found
   */
  public ModelCatalog(Supplier<ReadOnlyKeyValueStore<String, LatencyModelSnapshot>> store) {
    this.store = store;
  }

  /** Every target's latest snapshot, by target id. */
  public List<LatencyModelSnapshot> all() {
    return query(
        s -> {
          List<LatencyModelSnapshot> out = new ArrayList<>();
          try (KeyValueIterator<String, LatencyModelSnapshot> it = s.all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
          }
          out.sort(Comparator.comparing(snapshot -> snapshot.getTargetId().toString()));
          return out;
        });
  }

  public Optional<LatencyModelSnapshot> snapshot(String targetId) {
    return query(
        s -> {
          Stamp stamp = newest.get(targetId);
          LatencyModelSnapshot known = read.get(targetId);
          if (stamp != null && known != null && stamp.equals(Stamp.of(known))) {
            return Optional.of(known);
          }
          // the processor writes the store before it tells: what is read is the stamp's or newer
          LatencyModelSnapshot current = s.get(targetId);
          if (stamp != null && current != null) {
            read.put(targetId, current);
          }
          return Optional.ofNullable(current);
        });
  }

  /**
   * What the store's processor wrote for a target, right after it wrote it; null when it deleted
   * the target (a tombstone).
   */
  public void written(String targetId, LatencyModelSnapshot snapshot) {
    if (snapshot == null) {
      newest.remove(targetId);
      read.remove(targetId);
      decoded.remove(targetId);
    } else {
      newest.put(targetId, Stamp.of(snapshot));
    }
  }

  /**
   * The decoded model of a snapshot; empty when the snapshot carries none.
   *
   * @throws HttpJson.NotReady (503) when the model is in a form this version cannot read, as when
   *     the job that wrote it is newer than this service; said in the log once per version
   */
  public Optional<AdditiveLatencyModel> model(LatencyModelSnapshot snapshot) {
    String id = snapshot.getTargetId().toString();
    Decoded cached = decoded.get(id);
    if (cached == null || cached.version() != snapshot.getVersion()) {
      cached = decode(id, snapshot);
      decoded.put(id, cached);
    }
    if (cached.unreadable() != null) {
      throw new HttpJson.NotReady(cached.unreadable(), null);
    }
    return cached.model();
  }

  private static Decoded decode(String id, LatencyModelSnapshot snapshot) {
    try {
      return new Decoded(snapshot.getVersion(), ModelSnapshots.model(snapshot), null);
    } catch (IllegalArgumentException e) {
      String reason =
          "the latency model of target '"
              + id
              + "' (version "
              + snapshot.getVersion()
              + ") cannot be read by this version of the query service: "
              + e.getMessage();
      log.warn("{}; is the job newer than this service?", reason);
      return new Decoded(snapshot.getVersion(), Optional.empty(), reason);
    }
  }

  private <T> T query(Function<ReadOnlyKeyValueStore<String, LatencyModelSnapshot>, T> read) {
    try {
      return read.apply(store.get());
    } catch (InvalidStateStoreException e) {
      throw new HttpJson.NotReady("model state is still loading; retry shortly", e);
    }
  }
}
