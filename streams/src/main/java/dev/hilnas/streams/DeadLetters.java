package dev.hilnas.streams;

import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/**
 * Where the job's operators put what they reject, and the one place that builds the record they put
 * there. A dead letter is cut to fit {@code hil.dlq}: the rejected record arrived within its own
 * topic's message limit, but a dead letter carries it together with a reason that may quote it, and
 * must not be refused by the broker in turn (which would fail the job's DLQ sink).
 */
final class DeadLetters {
  private DeadLetters() {}

  static final OutputTag<DeadLetter> TAG =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  /**
   * Bytes of the rejected value kept: with the key and reason below, a dead letter stays under 80
   * KiB, far from Kafka's default message limit (max.message.bytes, about 1 MB).
   */
  static final int MAX_VALUE_BYTES = 64 * 1024;

  static final int MAX_KEY_BYTES = 1024;
  static final int MAX_REASON_CHARS = 4000;

  /** The rejected record as it came, with where it came from and why it was rejected. */
  static DeadLetter of(RawRecord raw, String reason, String component, long nowMs) {
    return letter(
        raw.topic(),
        raw.partition(),
        raw.offset(),
        raw.key(),
        raw.value(),
        reason,
        component,
        nowMs);
  }

  /**
   * A record an operator threw on after validation, in the form the job holds it (encoded as on
   * {@code source}). Its partition and offset are not known: the job does not carry them past
   * validation, and the record's own id (measurement id, arch id, target id) finds it.
   *
   * @param key the record's key on {@code source}, or null when the operator does not know it
   * @param operation what threw, with the target when there is one: {@code frontiers of box/rt}
   */
  static <V> DeadLetter thrown(
      Topic<String, V> source,
      String key,
      V record,
      String component,
      String operation,
      RuntimeException failure,
      long nowMs) {
    return thrown(
        source.name(),
        key,
        source.valueSerde().serializer().serialize(source.name(), record),
        component,
        operation,
        failure,
        nowMs);
  }

  /** As {@link #thrown(Topic, String, Object, String, String, RuntimeException, long)}, encoded. */
  static DeadLetter thrown(
      String sourceTopic,
      String key,
      byte[] encoded,
      String component,
      String operation,
      RuntimeException failure,
      long nowMs) {
    return letter(
        sourceTopic,
        null,
        null,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        encoded,
        operation + " threw " + failure,
        component,
        nowMs);
  }

  private static DeadLetter letter(
      String topic,
      Integer partition,
      Long offset,
      byte[] key,
      byte[] value,
      String reason,
      String component,
      long nowMs) {
    StringBuilder why = new StringBuilder();
    if (reason.length() > MAX_REASON_CHARS) {
      // never end on half a surrogate pair: it would not encode
      int end =
          Character.isHighSurrogate(reason.charAt(MAX_REASON_CHARS - 1))
              ? MAX_REASON_CHARS - 1
              : MAX_REASON_CHARS;
      why.append(reason, 0, end)
          .append(" [reason cut to ")
          .append(end)
          .append(" of ")
          .append(reason.length())
          .append(" characters]");
    } else {
      why.append(reason);
    }
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setKey(cut(key, MAX_KEY_BYTES, "key", why))
        .setValue(cut(value, MAX_VALUE_BYTES, "value", why))
        .setReason(why.toString())
        .setComponent(component)
        .setFailedAt(Instant.ofEpochMilli(nowMs))
        .build();
  }

  /** The first {@code max} bytes, saying in the reason when that is not all of them. */
  private static ByteBuffer cut(byte[] bytes, int max, String what, StringBuilder why) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length <= max) {
      return ByteBuffer.wrap(bytes);
    }
    why.append(" [")
        .append(what)
        .append(" cut to its first ")
        .append(max)
        .append(" of ")
        .append(bytes.length)
        .append(" bytes]");
    return ByteBuffer.wrap(Arrays.copyOf(bytes, max));
  }
}
