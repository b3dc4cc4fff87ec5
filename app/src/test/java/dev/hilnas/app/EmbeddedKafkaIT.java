package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.app.stack.EmbeddedKafka;
import dev.hilnas.app.stack.TopicSetup;
import dev.hilnas.producers.kafka.ConsumerSettings;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @TempDir Path dataDir;

  @Test
  void shouldKeepAcceptedRecordsAcrossARestartOnTheSameDataDir() throws Exception {
    try (EmbeddedKafka first = EmbeddedKafka.start(dataDir, 0)) {
      assertEquals(Topics.ALL.size(), TopicSetup.ensure(first.bootstrapServers(), (short) 1).size());
      try (var producer = new KafkaProducer<byte[], byte[]>(ProducerSettings.reliable(first.bootstrapServers(), "it"))) {
        producer.send(new ProducerRecord<>(Topics.DLQ.name(), "k".getBytes(), "kept".getBytes())).get();
      }
    }

    try (EmbeddedKafka second = EmbeddedKafka.start(dataDir, 0)) {
      assertEquals(List.of(), TopicSetup.ensure(second.bootstrapServers(), (short) 1), "topics survive too");
      try (var consumer =
          new KafkaConsumer<byte[], byte[]>(ConsumerSettings.committedBytes(second.bootstrapServers()))) {
        TopicPartition dlq = new TopicPartition(Topics.DLQ.name(), 0);
        consumer.assign(List.of(dlq));
        consumer.seekToBeginning(List.of(dlq));
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (values.isEmpty() && System.currentTimeMillis() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value())));
        }
        assertEquals(List.of("kept"), values);
      }
    }
  }
}
