package dev.hilnas.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic bound to its key and value serdes, declared once in {@link Topics}.
 *
 * @param partitions partitions when hilnas creates the topic
 * @param compacted whether only the latest value per key matters (snapshots), so the log compacts
 */
public record Topic<K, V>(
    String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, boolean compacted) {}
