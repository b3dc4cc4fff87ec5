package dev.hilnas.sinks.state;

import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.Topics;
import java.util.Properties;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The Kafka Streams app behind the query service: materialises {@code hil.latency-models} and
 * {@code hil.frontiers} into queryable stores. Each is a global table — every query-service replica
 * holds every target (models are few and small), so any replica answers any query without routing.
 * The store is rebuilt from the compacted topic on start, so a restart loses nothing.
 */
public final class Materializer {

  /** Latest snapshot per target id. */
  public static final String MODELS_STORE = "latency-models";

  /** Latest frontier per {@code targetId|objective}. */
  public static final String FRONTIERS_STORE = "frontiers";

  private Materializer() {}

  public static Topology buildTopology() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.globalTable(
        Topics.LATENCY_MODELS.name(),
        Consumed.with(Topics.LATENCY_MODELS.keySerde(), Topics.LATENCY_MODELS.valueSerde()),
        Materialized
            .<String, dev.hilnas.schemas.LatencyModelSnapshot, KeyValueStore<Bytes, byte[]>>as(
                MODELS_STORE));
    builder.globalTable(
        Topics.FRONTIERS.name(),
        Consumed.with(Topics.FRONTIERS.keySerde(), Topics.FRONTIERS.valueSerde()),
        Materialized.<String, FrontierUpdate, KeyValueStore<Bytes, byte[]>>as(FRONTIERS_STORE));
    return builder.build();
  }

  /** Streams settings for one query-service instance. */
  public static Properties settings(String bootstrap, String applicationId, String stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    return props;
  }
}
