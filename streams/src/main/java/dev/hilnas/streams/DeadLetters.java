package dev.hilnas.streams;

import dev.hilnas.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** Where the job's operators put what they reject, and the record they put there. */
final class DeadLetters {
  private DeadLetters() {}

  static final OutputTag<DeadLetter> TAG =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  /** The rejected record as it came, with where it came from and why it was rejected. */
  static DeadLetter of(RawRecord raw, String reason, String component, long nowMs) {
    return DeadLetter.newBuilder()
        .setSourceTopic(raw.topic())
        .setPartition(raw.partition())
        .setOffset(raw.offset())
        .setKey(raw.key() == null ? null : ByteBuffer.wrap(raw.key()))
        .setValue(raw.value() == null ? null : ByteBuffer.wrap(raw.value()))
        .setReason(reason)
        .setComponent(component)
        .setFailedAt(Instant.ofEpochMilli(nowMs))
        .build();
  }
}
