package dev.hilnas.sinks.state;

import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code hil.frontiers} from its end (committed records only) and hands every new update to
 * a listener: the push side of the query service. No consumer group: every replica sees every
 * update. Undecodable records are skipped ({@link SkippedRecords}), as the stores skip them.
 */
public final class FrontierFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FrontierFeed.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;

  /**
   * @param registry where the records skipped because they do not decode are counted
   */
  public FrontierFeed(
      KafkaConnection kafka, Consumer<FrontierUpdate> listener, MeterRegistry registry) {
    this(kafka, listener, registry, "feed", false);
  }

  /**
   * A feed that starts at the topic's beginning: every update compaction has kept, then the new
   * ones (for {@link FrontierHistory}). Its skipped records count under the reader {@code history}.
   */
  public static FrontierFeed fromStart(
      KafkaConnection kafka, Consumer<FrontierUpdate> listener, MeterRegistry registry) {
    return new FrontierFeed(kafka, listener, registry, "history", true);
  }

  private FrontierFeed(
      KafkaConnection kafka,
      Consumer<FrontierUpdate> listener,
      MeterRegistry registry,
      String reader,
      boolean fromStart) {
    SkippedRecords skipped = new SkippedRecords(registry, reader, Topics.FRONTIERS.name());
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.FRONTIERS.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    if (fromStart) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    var values = Topics.FRONTIERS.valueSerde().deserializer();
    thread =
        new Thread(
            () -> {
              try {
                while (true) {
                  for (var record : consumer.poll(Duration.ofSeconds(1))) {
                    FrontierUpdate update;
                    try {
                      update = values.deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                      skipped.skip(record.topic(), record.partition(), record.offset(), e);
                      continue;
                    }
                    if (update == null) {
                      continue; // a tombstone
                    }
                    try {
                      listener.accept(update);
                    } catch (RuntimeException e) {
                      log.warn("frontier listener failed at offset {}", record.offset(), e);
                    }
                  }
                }
              } catch (WakeupException e) {
                // closing
              } finally {
                consumer.close();
              }
            },
            "frontier-" + reader);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(10_000);
  }
}
