package dev.hilnas.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic bound to its key and value serdes, declared once in {@link Topics}.
 *
 * @param partitions partitions when hilnas creates the topic
 * @param compacted whether only the latest value per key matters (snapshots), so the log compacts
 *     and keeps each key's latest for ever
 * @param retentionMs how long a record of a topic that is not compacted is kept ({@code
 *     retention.ms}), -1 for ever
 */
public record Topic<K, V>(
    String name,
    Serde<K> keySerde,
    Serde<V> valueSerde,
    int partitions,
    boolean compacted,
    long retentionMs) {

  /** Kafka's "for ever". */
  public static final long FOREVER = -1;

  static long days(int days) {
    return java.time.Duration.ofDays(days).toMillis();
  }
}
