package dev.hilnas.sinks.state;

import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.http.HttpJson;
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

/**
 * Read access to the materialised latency models, with each snapshot's model decoded once per
 * version. Thread-safe.
 */
public final class ModelCatalog {

  private record Decoded(long version, Optional<AdditiveLatencyModel> model) {}

  private final Supplier<ReadOnlyKeyValueStore<String, LatencyModelSnapshot>> store;
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
    return query(s -> Optional.ofNullable(s.get(targetId)));
  }

  /** The decoded model of a snapshot; empty when the snapshot carries none. */
  public Optional<AdditiveLatencyModel> model(LatencyModelSnapshot snapshot) {
    String id = snapshot.getTargetId().toString();
    Decoded cached = decoded.get(id);
    if (cached == null || cached.version() != snapshot.getVersion()) {
      cached = new Decoded(snapshot.getVersion(), ModelSnapshots.model(snapshot));
      decoded.put(id, cached);
    }
    return cached.model();
  }

  private <T> T query(Function<ReadOnlyKeyValueStore<String, LatencyModelSnapshot>, T> read) {
    try {
      return read.apply(store.get());
    } catch (InvalidStateStoreException e) {
      throw new HttpJson.NotReady("model state is still loading; retry shortly", e);
    }
  }
}
