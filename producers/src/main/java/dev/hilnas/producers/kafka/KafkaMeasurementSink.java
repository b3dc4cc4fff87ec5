package dev.hilnas.producers.kafka;

import dev.hilnas.core.Measurement;
import dev.hilnas.core.Quality;
import dev.hilnas.producers.ingest.LineResult;
import dev.hilnas.producers.ingest.MeasurementSink;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes accepted measurements to {@code hil.measurements} (key = target id) and rejected lines
 * to {@code hil.dlq} with their reason. Idempotent producer with {@code acks=all}: a retry never
 * writes a record twice. Not thread-safe.
 */
public final class KafkaMeasurementSink implements MeasurementSink {

  private final KafkaProducer<byte[], byte[]> producer;
  private final Clock clock;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Callback onSent =
      (metadata, exception) -> {
        if (exception != null) {
          failure.compareAndSet(null, exception);
        }
      };

  public KafkaMeasurementSink(KafkaConnection kafka, String clientId, Clock clock) {
    this.producer = new KafkaProducer<>(ProducerSettings.reliable(kafka, clientId));
    this.clock = clock;
  }

  @Override
  public void accept(Measurement m) {
    String key = m.target().id();
    byte[] value = Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, Convert.toAvro(m));
    send(Topics.MEASUREMENTS.name(), key, value);
  }

  /** Quality is keyed by arch id: it belongs to the architecture, whatever the target. */
  @Override
  public void accept(Quality q) {
    byte[] value = Topics.QUALITY.valueSerde().serializer().serialize(null, Convert.toAvro(q));
    send(Topics.QUALITY.name(), q.candidate().archId(), value);
  }

  @Override
  public void reject(String source, LineResult rejected) {
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSourceTopic(source)
            .setPartition(null)
            .setOffset(rejected.line())
            .setKey(null)
            .setValue(ByteBuffer.wrap(rejected.raw().getBytes(StandardCharsets.UTF_8)))
            .setReason("line " + rejected.line() + ": " + rejected.error())
            .setComponent("import")
            .setFailedAt(clock.instant())
            .build();
    send(Topics.DLQ.name(), source, Topics.DLQ.valueSerde().serializer().serialize(null, letter));
  }

  private void send(String topic, String key, byte[] value) {
    rethrowFailure();
    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value), onSent);
  }

  @Override
  public void flush() {
    producer.flush();
    rethrowFailure();
  }

  private void rethrowFailure() {
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("publishing to Kafka failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
