package dev.hilnas.sinks.state;

import dev.hilnas.core.Objective;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.http.HttpJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read access to the materialised frontiers. Thread-safe.
 *
 * <p>A frontier the feed has handed over ({@link #remember}) is answered from memory: reading one
 * from the store decodes the whole record, up to 2,000 points off the frontier, on every request,
 * and that was half the HTTP threads' time under load (bench query). The feed reads the same topic
 * as the store, in the same order per key, so the last update it handed over is the store's value
 * or newer. One entry per frontier the feed has seen since the start.
 */
public final class FrontierCatalog {

  private final Supplier<ReadOnlyKeyValueStore<String, byte[]>> store;
  private final ConcurrentHashMap<String, FrontierUpdate> latest = new ConcurrentHashMap<>();
  private final Deserializer<FrontierUpdate> values = Topics.FRONTIERS.valueSerde().deserializer();

  /**
   * @param store looked up on every call; it holds each update's bytes as they came (checked to
   *     decode before they were stored)
   */
  public FrontierCatalog(Supplier<ReadOnlyKeyValueStore<String, byte[]>> store) {
    this.store = store;
  }

  public Optional<FrontierUpdate> frontier(String targetId, Objective objective) {
    String key = FrontierUpdates.key(targetId, objective);
    FrontierUpdate remembered = latest.get(key);
    if (remembered != null) {
      return Optional.of(remembered);
    }
    return query(s -> Optional.ofNullable(s.get(key)).map(this::decode));
  }

  /** The newest update of a frontier, as the feed hands it over; later ones replace it. */
  public void remember(FrontierUpdate update) {
    Objective objective;
    try {
      objective = Objective.parse(update.getObjective());
    } catch (IllegalArgumentException e) {
      return; // no request can name it; the store has it all the same
    }
    latest.put(FrontierUpdates.key(update.getTargetId(), objective), update);
  }

  /** Every objective's frontier of a target, in key order. */
  public List<FrontierUpdate> frontiers(String targetId) {
    return query(
        s -> {
          List<FrontierUpdate> out = new ArrayList<>();
          try (KeyValueIterator<String, byte[]> it =
              s.prefixScan(targetId + "|", new StringSerializer())) {
            it.forEachRemaining(kv -> out.add(decode(kv.value)));
          }
          return out;
        });
  }

  private FrontierUpdate decode(byte[] bytes) {
    return values.deserialize(Topics.FRONTIERS.name(), bytes);
  }

  private <T> T query(Function<ReadOnlyKeyValueStore<String, byte[]>, T> read) {
    try {
      return read.apply(store.get());
    } catch (InvalidStateStoreException e) {
      throw new HttpJson.NotReady("frontier state is still loading; retry shortly", e);
    }
  }
}
