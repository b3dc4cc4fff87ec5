package dev.hilnas.sinks.state;

import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * Reads {@code hil.frontiers} from its beginning (committed records only): every update goes to a
 * history listener, and each committed after the feed started goes to a live listener as well, the
 * push side of the query service. One reader for both, so each update is decoded once: an update
 * carries up to 2,000 dominated points, and with 10,000 evaluated architectures a reader for each
 * took a tenth of the CPU apiece in a profile of bench ingest. No consumer group: every replica
 * sees every update. Undecodable records are skipped ({@link SkippedRecords}, reader {@code feed}),
 * as the stores skip them.
 */
public final class FrontierFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FrontierFeed.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;

  /**
   * @param history every update compaction has kept, then every new one
   * @param live the updates committed after this feed started, after the history has them
   * @param registry where the records skipped because they do not decode are counted
   */
  public FrontierFeed(
      KafkaConnection kafka,
      Consumer<FrontierUpdate> history,
      Consumer<FrontierUpdate> live,
      MeterRegistry registry) {
    SkippedRecords skipped = new SkippedRecords(registry, "feed", Topics.FRONTIERS.name());
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.FRONTIERS.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    // read_committed: the last stable offsets, where what was committed before the start ends
    Map<TopicPartition, Long> liveFrom = consumer.endOffsets(partitions);
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
                    tell(history, update, record.offset());
                    TopicPartition at = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= liveFrom.getOrDefault(at, 0L)) {
                      tell(live, update, record.offset());
                    }
                  }
                }
              } catch (WakeupException e) {
                // closing
              } finally {
                consumer.close();
              }
            },
            "frontier-feed");
    thread.setDaemon(true);
    thread.start();
  }

  private static void tell(Consumer<FrontierUpdate> listener, FrontierUpdate update, long offset) {
    try {
      listener.accept(update);
    } catch (RuntimeException e) {
      log.warn("frontier listener failed at offset {}", offset, e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(10_000);
  }
}
