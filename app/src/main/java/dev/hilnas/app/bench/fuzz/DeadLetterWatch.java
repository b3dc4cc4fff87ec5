package dev.hilnas.app.bench.fuzz;

import dev.hilnas.producers.kafka.ConsumerSettings;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The dead letters written while a path runs: hil.dlq read from where it ended when the path
 * started, committed letters only (the job's are transactional). Not thread-safe.
 */
final class DeadLetterWatch implements AutoCloseable {
  /** The job's operators past validation: a letter from one is a record that made it throw. */
  static final Set<String> QUARANTINE = Set.of("flink-refit", "flink-frontiers");

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<DeadLetter> letters = new ArrayList<>();

  DeadLetterWatch(String bootstrap) {
    consumer = new KafkaConsumer<>(ConsumerSettings.committedBytes(KafkaConnection.to(bootstrap)));
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.DLQ.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fix the start now, not at the first poll
  }

  /**
   * Reads letters until the wanted one, as long as letters of {@code progress} keep coming: gives
   * up after {@code idle} without one, or {@code timeout} in all; whether the wanted one came.
   */
  boolean awaitLetter(
      Predicate<DeadLetter> progress,
      Predicate<DeadLetter> wanted,
      Duration idle,
      Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    long idleUntil = System.nanoTime() + idle.toNanos();
    int seen = 0;
    while (System.nanoTime() < Math.min(idleUntil, end)) {
      poll(Duration.ofMillis(200));
      for (; seen < letters.size(); seen++) {
        DeadLetter letter = letters.get(seen);
        if (wanted.test(letter)) {
          return true;
        } else if (progress.test(letter)) {
          idleUntil = System.nanoTime() + idle.toNanos();
        }
      }
    }
    return false;
  }

  /** Reads until a second passes without a letter (at most a minute): the letters so far. */
  List<DeadLetter> drain() {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (poll(Duration.ofSeconds(1)) > 0 && System.nanoTime() < deadline) {
      // keep reading
    }
    return letters;
  }

  private int poll(Duration timeout) {
    var serde = Topics.DLQ.valueSerde().deserializer();
    int n = 0;
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      try {
        letters.add(serde.deserialize(r.topic(), r.value()));
        n++;
      } catch (RuntimeException e) {
        // a letter of a schema this build does not know: not one the fuzz caused
      }
    }
    return n;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
