package dev.hilnas.app.stack;

import dev.hilnas.producers.kafka.ConsumerSettings;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is waiting in Kafka, on {@code /metrics}: the dead letters on {@code hil.dlq} (counted by
 * reading them, committed ones only, since this process started reading from the beginning), and
 * each hilnas consumer group's lag per topic (committed offset to the last stable offset, refreshed
 * every {@link #REFRESH}). One thread; closing it stops the thread.
 */
final class KafkaBacklog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaBacklog.class);

  /** On {@code /metrics}: records on hil.dlq. */
  static final String DEAD_LETTERS = "hilnas_dead_letters_total";

  /** On {@code /metrics}: records a consumer group has yet to read, by group and topic. */
  static final String CONSUMER_LAG = "hilnas_consumer_lag_records";

  static final Duration REFRESH = Duration.ofSeconds(5);
  private static final String GROUP_PREFIX = "hilnas-";

  private final KafkaConsumer<byte[], byte[]> dlq;
  private final Admin admin;
  private final AtomicLong deadLetters = new AtomicLong();
  private final MultiGauge lag;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean warned;

  KafkaBacklog(KafkaConnection kafka, MeterRegistry registry) {
    dlq = new KafkaConsumer<>(ConsumerSettings.committedBytes(kafka));
    admin = Admin.create(kafka.clientProperties());
    FunctionCounter.builder(DEAD_LETTERS, deadLetters, AtomicLong::get)
        .description("records on hil.dlq: what the pipeline refused, with the reason")
        .register(registry);
    lag =
        MultiGauge.builder(CONSUMER_LAG)
            .description("records a hilnas consumer group has yet to read, per topic")
            .register(registry);
    thread = new Thread(this::run, "kafka-backlog");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      dlq.partitionsFor(Topics.DLQ.name())
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      dlq.assign(partitions);
      dlq.seekToBeginning(partitions);
      long next = 0;
      while (running) {
        deadLetters.addAndGet(dlq.poll(Duration.ofMillis(500)).count());
        if (System.nanoTime() - next >= 0) {
          refreshLag();
          next = System.nanoTime() + REFRESH.toNanos();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (running) {
        log.warn("dead letters and consumer lag are no longer counted: {}", e.toString());
      }
    }
  }

  private void refreshLag() {
    try {
      Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new TreeMap<>();
      for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
        if (g.groupId().startsWith(GROUP_PREFIX)) {
          committed.put(
              g.groupId(),
              admin
                  .listConsumerGroupOffsets(g.groupId())
                  .partitionsToOffsetAndMetadata()
                  .get(10, TimeUnit.SECONDS));
        }
      }
      Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
      committed
          .values()
          .forEach(m -> m.keySet().forEach(tp -> wanted.put(tp, OffsetSpec.latest())));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin
              .listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
              .all()
              .get(10, TimeUnit.SECONDS);
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      committed.forEach(
          (group, offsets) -> {
            Map<String, Long> byTopic = new TreeMap<>();
            offsets.forEach(
                (tp, at) -> {
                  var end = ends.get(tp);
                  if (at != null && end != null) {
                    byTopic.merge(tp.topic(), Math.max(0, end.offset() - at.offset()), Long::sum);
                  }
                });
            byTopic.forEach(
                (topic, n) ->
                    rows.add(MultiGauge.Row.of(Tags.of("group", group, "topic", topic), n)));
          });
      lag.register(rows, true);
      warned = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!warned && running) {
        log.warn("consumer lag not refreshed (kept as it was): {}", e.toString());
        warned = true;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    dlq.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dlq.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
  }
}
