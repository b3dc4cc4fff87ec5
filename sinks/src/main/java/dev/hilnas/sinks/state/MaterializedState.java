package dev.hilnas.sinks.state;

import dev.hilnas.schemas.KafkaConnection;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * A running {@link Materializer}: the Kafka Streams instance whose stores the query service reads.
 * Closing it stops the instance and keeps its state directory for the next start.
 */
public final class MaterializedState implements AutoCloseable {

  private final KafkaStreams streams;
  private final ModelCatalog models;
  private final FrontierCatalog frontiers;

  private MaterializedState(KafkaStreams streams) {
    this.streams = streams;
    this.frontiers =
        new FrontierCatalog(
            () ->
                streams.store(
                    StoreQueryParameters.fromNameAndType(
                        Materializer.FRONTIERS_STORE, QueryableStoreTypes.keyValueStore())));
    this.models =
        new ModelCatalog(
            () ->
                streams.store(
                    StoreQueryParameters.fromNameAndType(
                        Materializer.MODELS_STORE, QueryableStoreTypes.keyValueStore())));
  }

  /**
   * Starts the app; its stores become queryable once it has caught up (see {@link #isRunning}).
   *
   * @param registry where the records skipped because they do not decode are counted
   */
  public static MaterializedState start(
      KafkaConnection kafka, String applicationId, Path stateDir, MeterRegistry registry) {
    KafkaStreams streams =
        new KafkaStreams(
            Materializer.buildTopology(registry),
            Materializer.settings(kafka, applicationId, stateDir.toString()));
    streams.start();
    return new MaterializedState(streams);
  }

  public ModelCatalog models() {
    return models;
  }

  public FrontierCatalog frontiers() {
    return frontiers;
  }

  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
