package dev.hilnas.schemas;

import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde over {@link AvroCodec}: single-object encoded Avro values. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final AvroCodec<T> codec;
  private final Supplier<Serializer<T>> serializers;

  public AvroSerde(Class<T> type) {
    this.codec = AvroCodec.of(type);
    this.serializers = () -> (topic, value) -> value == null ? null : codec.encode(value);
  }

  /**
   * @param serializers a new serializer for each caller, writing the same bytes as the codec by
   *     other means (one that keeps state between records)
   */
  AvroSerde(Class<T> type, Supplier<Serializer<T>> serializers) {
    this.codec = AvroCodec.of(type);
    this.serializers = serializers;
  }

  @Override
  public Serializer<T> serializer() {
    return serializers.get();
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
  }
}
