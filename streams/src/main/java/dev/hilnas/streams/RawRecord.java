package dev.hilnas.streams;

/**
 * A Kafka record as received, before any decoding, so that undecodable bytes can still reach the
 * dead-letter topic with their coordinates.
 *
 * @param key the key bytes, or null
 * @param value the value bytes, or null
 */
public record RawRecord(String topic, int partition, long offset, byte[] key, byte[] value) {}
