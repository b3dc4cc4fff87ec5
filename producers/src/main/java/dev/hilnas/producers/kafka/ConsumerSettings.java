package dev.hilnas.producers.kafka;

import dev.hilnas.schemas.KafkaConnection;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Consumer settings shared by everything in hilnas that reads hil.* topics back. */
public final class ConsumerSettings {
  private ConsumerSettings() {}

  /**
   * The connection's settings, then raw bytes (values decode through the topic's serde) and
   * committed records only: output of the exactly-once job is visible once its transaction commits,
   * never before.
   */
  public static Properties committedBytes(KafkaConnection kafka) {
    Properties p = kafka.clientProperties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }
}
