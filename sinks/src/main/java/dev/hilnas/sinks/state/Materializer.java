package dev.hilnas.sinks.state;

import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.Topic;
import dev.hilnas.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The Kafka Streams app behind the query service: materialises {@code hil.latency-models} and
 * {@code hil.frontiers} into queryable stores, and counts the search's requests ({@code
 * hil.candidates}) and agents' failed attempts ({@code hil.dlq}) per target and architecture. Each
 * is a global store — every query-service replica holds every target (models are few and small), so
 * any replica answers any query without routing. The store is rebuilt from the compacted topic on
 * start, so a restart loses nothing. The app reads committed records only, so it never shows a
 * result the Flink job's transaction later aborts.
 *
 * <p>A record that does not decode is skipped ({@link SkippedRecords}) and the key keeps its
 * previous value. The stores decode in their own processor rather than through Kafka Streams'
 * deserialisation and its exception handler: a global table restores records into its store
 * undecoded, so a bad one would only fail later, on every query that meets it, whereas a global
 * store's processor sees every record, on restore and live alike.
 */
public final class Materializer {

  /** Latest snapshot per target id. */
  public static final String MODELS_STORE = "latency-models";

  /** Latest frontier per {@code targetId|objective}. */
  public static final String FRONTIERS_STORE = "frontiers";

  /**
   * Requests per {@code targetId|archId} on hil.candidates ({@code *|archId}: for every target), a
   * count: the search's progress ({@link ProgressCatalog}).
   */
  public static final String REQUESTS_STORE = "candidate-requests";

  /** Agents' failed attempts per {@code targetId|archId}, from their dead letters on hil.dlq. */
  public static final String FAILURES_STORE = "failed-attempts";

  private Materializer() {}

  /**
   * @param registry where the records skipped are counted
   */
  public static Topology buildTopology(MeterRegistry registry) {
    return buildTopology(registry, (target, snapshot) -> {});
  }

  /**
   * @param registry where the records skipped are counted
   * @param models told each new value of the models store right after it is written (null: the
   *     target was deleted), on restore and live alike
   */
  public static Topology buildTopology(
      MeterRegistry registry, BiConsumer<String, LatencyModelSnapshot> models) {
    SkippedRecords skipped =
        new SkippedRecords(
            registry,
            "state",
            Topics.LATENCY_MODELS.name(),
            Topics.FRONTIERS.name(),
            Topics.CANDIDATES.name(),
            Topics.DLQ.name());
    StreamsBuilder builder = new StreamsBuilder();
    materialize(
        builder,
        Topics.LATENCY_MODELS,
        MODELS_STORE,
        Topics.LATENCY_MODELS.valueSerde(),
        (value, bytes) -> value,
        skipped,
        models);
    // a frontier update's bytes are kept as they came: encoding each again, up to 2,000 dominated
    // points, only to store it cost as much as decoding it; FrontierCatalog decodes what it reads
    materialize(
        builder,
        Topics.FRONTIERS,
        FRONTIERS_STORE,
        Serdes.ByteArray(),
        (value, bytes) -> bytes,
        skipped,
        (key, value) -> {});
    var requests = Topics.CANDIDATES.valueSerde().deserializer();
    count(
        builder,
        Topics.CANDIDATES,
        REQUESTS_STORE,
        skipped,
        (topic, bytes) -> Attempts.requested(requests.deserialize(topic, bytes)));
    var letters = Topics.DLQ.valueSerde().deserializer();
    count(
        builder,
        Topics.DLQ,
        FAILURES_STORE,
        skipped,
        (topic, bytes) -> Attempts.failed(letters.deserialize(topic, bytes)));
    return builder.build();
  }

  /** Streams settings for one query-service instance: the connection's, then its own. */
  public static Properties settings(KafkaConnection kafka, String applicationId, String stateDir) {
    Properties props = kafka.clientProperties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // a fetch waits at most this long for data: the job's output arrives in bursts, one per
    // checkpoint, and the default 500 ms added up to that much to how fresh an answer is
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    return props;
  }

  /**
   * A global store of the newest value per key of {@code topic} that decodes, kept as global tables
   * keep it.
   *
   * @param storedSerde the serde of what the store holds of a value
   * @param stored what the store holds of a value, given it and the bytes it came as
   * @param written told each value written, null for a key deleted
   */
  private static <V, S> void materialize(
      StreamsBuilder builder,
      Topic<String, V> topic,
      String store,
      Serde<S> storedSerde,
      BiFunction<V, byte[], S> stored,
      SkippedRecords skipped,
      BiConsumer<String, V> written) {
    builder.addGlobalStore(
        Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(store), topic.keySerde(), storedSerde)
            .withLoggingDisabled(),
        topic.name(),
        Consumed.with(topic.keySerde(), Serdes.ByteArray()),
        () -> new Newest<>(store, topic.valueSerde().deserializer(), stored, skipped, written));
  }

  /**
   * A global store counting, per key, the records of {@code topic} that {@code keys} maps to it (a
   * record may count under several keys, or none). Counting in the store's own processor, as {@link
   * Newest} does, also rebuilds the counts from the topic on restore.
   */
  private static void count(
      StreamsBuilder builder,
      Topic<String, ?> topic,
      String store,
      SkippedRecords skipped,
      BiFunction<String, byte[], List<String>> keys) {
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.Long())
            .withLoggingDisabled(),
        topic.name(),
        Consumed.with(topic.keySerde(), Serdes.ByteArray()),
        () -> new Counting(store, keys, skipped));
  }

  private static final class Counting implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private final BiFunction<String, byte[], List<String>> keys;
    private final SkippedRecords skipped;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, Long> store;

    Counting(
        String storeName, BiFunction<String, byte[], List<String>> keys, SkippedRecords skipped) {
      this.storeName = storeName;
      this.keys = keys;
      this.skipped = skipped;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.value() == null) {
        return; // these topics are not compacted; a tombstone means nothing here
      }
      RecordMetadata where = context.recordMetadata().orElseThrow();
      List<String> counted;
      try {
        counted = keys.apply(where.topic(), record.value());
      } catch (RuntimeException e) {
        skipped.skip(where.topic(), where.partition(), where.offset(), e);
        return;
      }
      for (String key : counted) {
        Long before = store.get(key);
        store.put(key, before == null ? 1 : before + 1);
      }
    }
  }

  private static final class Newest<V, S> implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private final Deserializer<V> values;
    private final BiFunction<V, byte[], S> stored;
    private final SkippedRecords skipped;
    private final BiConsumer<String, V> written;
    private ProcessorContext<Void, Void> context;
    private TimestampedKeyValueStore<String, S> store;

    Newest(
        String storeName,
        Deserializer<V> values,
        BiFunction<V, byte[], S> stored,
        SkippedRecords skipped,
        BiConsumer<String, V> written) {
      this.storeName = storeName;
      this.values = values;
      this.stored = stored;
      this.skipped = skipped;
      this.written = written;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.value() == null) {
        store.delete(record.key()); // a tombstone
        written.accept(record.key(), null);
        return;
      }
      RecordMetadata where = context.recordMetadata().orElseThrow();
      V value;
      try {
        value = values.deserialize(where.topic(), record.value());
      } catch (RuntimeException e) {
        skipped.skip(where.topic(), where.partition(), where.offset(), e);
        return;
      }
      store.put(
          record.key(),
          ValueAndTimestamp.make(stored.apply(value, record.value()), record.timestamp()));
      written.accept(record.key(), value);
    }
  }
}
