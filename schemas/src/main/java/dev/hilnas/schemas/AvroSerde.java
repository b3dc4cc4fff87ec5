package dev.hilnas.schemas;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde over {@link AvroCodec}: single-object encoded Avro values. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final AvroCodec<T> codec;

  public AvroSerde(Class<T> type) {
    this.codec = AvroCodec.of(type);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : codec.encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
  }
}
