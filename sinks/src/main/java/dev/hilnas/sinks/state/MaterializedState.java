package dev.hilnas.sinks.state;

import dev.hilnas.schemas.KafkaConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * A running {@link Materializer}: the Kafka Streams instance whose stores the query service reads.
 * Closing it stops the instance and keeps its state directory for the next start.
 */
public final class MaterializedState implements AutoCloseable {

  /**
   * On {@code /metrics}: times the Streams app went into its ERROR state, where it stops serving
   * (its thread died of an exception no handler took).
   */
  public static final String FAILURES = "hilnas_streams_failures_total";

  /** On {@code /metrics}: records skipped because they do not decode, by topic and reader. */
  public static final String SKIPPED_RECORDS = SkippedRecords.METRIC;

  private final KafkaStreams streams;
  private final ModelCatalog models;
  private final FrontierCatalog frontiers;
  private final ProgressCatalog progress;

  private MaterializedState(KafkaStreams streams, ModelCatalog models) {
    this.streams = streams;
    this.models = models;
    this.frontiers =
        new FrontierCatalog(
            () ->
                streams.store(
                    StoreQueryParameters.fromNameAndType(
                        Materializer.FRONTIERS_STORE, QueryableStoreTypes.keyValueStore())));
    this.progress =
        new ProgressCatalog(
            () ->
                streams.store(
                    StoreQueryParameters.fromNameAndType(
                        Materializer.REQUESTS_STORE, QueryableStoreTypes.keyValueStore())),
            () ->
                streams.store(
                    StoreQueryParameters.fromNameAndType(
                        Materializer.FAILURES_STORE, QueryableStoreTypes.keyValueStore())),
            frontiers);
  }

  /**
   * Starts the app; its stores become queryable once it has caught up (see {@link #isRunning}).
   *
   * @param registry where the records skipped because they do not decode are counted, and the app's
   *     failures
   */
  public static MaterializedState start(
      KafkaConnection kafka, String applicationId, Path stateDir, MeterRegistry registry) {
    // the catalog reads the app's store, and the app's topology tells it each new model
    AtomicReference<KafkaStreams> app = new AtomicReference<>();
    ModelCatalog models =
        new ModelCatalog(
            () ->
                app.get()
                    .store(
                        StoreQueryParameters.fromNameAndType(
                            Materializer.MODELS_STORE, QueryableStoreTypes.keyValueStore())));
    KafkaStreams streams =
        new KafkaStreams(
            Materializer.buildTopology(registry, models::written),
            Materializer.settings(kafka, applicationId, stateDir.toString()));
    app.set(streams);
    Counter failures =
        Counter.builder(FAILURES)
            .description("times the query service's Kafka Streams app went into ERROR")
            .register(registry);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.ERROR) {
            failures.increment();
          }
        });
    streams.start();
    return new MaterializedState(streams, models);
  }

  public ModelCatalog models() {
    return models;
  }

  public FrontierCatalog frontiers() {
    return frontiers;
  }

  public ProgressCatalog progress() {
    return progress;
  }

  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
