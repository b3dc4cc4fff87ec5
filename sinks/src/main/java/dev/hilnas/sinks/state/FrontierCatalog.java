package dev.hilnas.sinks.state;

import dev.hilnas.core.Objective;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.http.HttpJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Read access to the materialised frontiers. Thread-safe. */
public final class FrontierCatalog {

  private final Supplier<ReadOnlyKeyValueStore<String, FrontierUpdate>> store;

  /**
   * @param store looked up on every call
   */
  public FrontierCatalog(Supplier<ReadOnlyKeyValueStore<String, FrontierUpdate>> store) {
    this.store = store;
  }

  public Optional<FrontierUpdate> frontier(String targetId, Objective objective) {
    return query(s -> Optional.ofNullable(s.get(FrontierUpdates.key(targetId, objective))));
  }

  /** Every objective's frontier of a target, in key order. */
  public List<FrontierUpdate> frontiers(String targetId) {
    return query(
        s -> {
          List<FrontierUpdate> out = new ArrayList<>();
          try (KeyValueIterator<String, FrontierUpdate> it =
              s.prefixScan(targetId + "|", new StringSerializer())) {
            it.forEachRemaining(kv -> out.add(kv.value));
          }
          return out;
        });
  }

  private <T> T query(Function<ReadOnlyKeyValueStore<String, FrontierUpdate>, T> read) {
    try {
      return read.apply(store.get());
    } catch (InvalidStateStoreException e) {
      throw new HttpJson.NotReady("frontier state is still loading; retry shortly", e);
    }
  }
}
