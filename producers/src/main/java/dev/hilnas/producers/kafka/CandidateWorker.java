package dev.hilnas.producers.kafka;

import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume-work-publish over {@code hil.candidates}, exactly once: one request per Kafka
 * transaction, which carries both the work's output records and the consumed offset. A crash
 * between working and committing redoes the work but never publishes it twice; workers in one
 * consumer group share the requests. A request the work fails on goes to {@code hil.dlq} instead,
 * in the same transaction, and the worker goes on with the next. Device agents and the quality
 * evaluator are both this loop.
 */
public final class CandidateWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CandidateWorker.class);

  private final String component;
  private final String targetId;
  private final Function<CandidateRequest, List<ProducerRecord<byte[], byte[]>>> work;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;

  /**
   * @param group the consumer group: workers that share requests use the same one
   * @param workerId unique per worker process; with the group it names the transactional id
   * @param component who failed, in this worker's dead letters: {@code agent:<agent id>}, {@code
   *     evaluator:<worker id>}
   * @param targetId the target the work measures on, in its dead letters, where the search counts
   *     them as failed attempts; null for work that measures on no target (the evaluator)
   * @param work the records to publish for a request (none to skip it); when it throws, a dead
   *     letter with the request and the reason is published instead
   */
  public CandidateWorker(
      KafkaConnection kafka,
      String group,
      String workerId,
      String component,
      String targetId,
      Function<CandidateRequest, List<ProducerRecord<byte[], byte[]>>> work) {
    this.component = component;
    this.targetId = targetId;
    this.work = work;
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1"); // one request per transaction
    c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "1800000"); // a big candidate takes a while
    // a worker that dies hands its requests to the others after 10 s rather than 45 (heartbeats
    // come from a background thread, so long work does not expire the session)
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Properties p = ProducerSettings.reliable(kafka, workerId);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "." + workerId);
    producer = new KafkaProducer<>(p);
    producer.initTransactions();
  }

  /** Consumes and works until {@link #close()} is called from another thread. */
  public void run() {
    consumer.subscribe(List.of(Topics.CANDIDATES.name()));
    var requests = Topics.CANDIDATES.valueSerde().deserializer();
    try {
      while (true) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          List<ProducerRecord<byte[], byte[]>> out;
          try {
            out = work.apply(requests.deserialize(record.topic(), record.value()));
          } catch (CancellationException e) {
            // the runtime was stopped under the request (the agent is exiting): it neither
            // succeeded nor failed, so its offset stays for the next start to take it again
            log.info(
                "stopped while working on {}-{}@{}",
                record.topic(),
                record.partition(),
                record.offset());
            return;
          } catch (RuntimeException | OutOfMemoryError e) {
            // a request that fails must neither stop the worker nor vanish. An OutOfMemoryError
            // here is a candidate too big for this heap, and what it allocated is garbage by now
            out = List.of(deadLetter(record, reason(e)));
          }
          producer.beginTransaction();
          out.forEach(producer::send);
          producer.sendOffsetsToTransaction(
              Map.of(
                  new TopicPartition(record.topic(), record.partition()),
                  new OffsetAndMetadata(record.offset() + 1)),
              consumer.groupMetadata());
          producer.commitTransaction();
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
      producer.close();
    }
  }

  /** The request as consumed, to {@code hil.dlq} (key: the source topic), saying why it failed. */
  private ProducerRecord<byte[], byte[]> deadLetter(
      ConsumerRecord<byte[], byte[]> record, String reason) {
    log.warn(
        "failed on candidate request at {}-{}@{}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        reason);
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSourceTopic(record.topic())
            .setPartition(record.partition())
            .setOffset(record.offset())
            .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
            .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
            .setReason(reason)
            .setComponent(component)
            .setFailedAt(Instant.now())
            .setTargetId(targetId)
            .build();
    return new ProducerRecord<>(
        Topics.DLQ.name(),
        record.topic().getBytes(StandardCharsets.UTF_8),
        Topics.DLQ.valueSerde().serializer().serialize(null, letter));
  }

  /** The failure's message; an OutOfMemoryError's alone ("Java heap space") would not say what. */
  private static String reason(Throwable e) {
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    return e instanceof OutOfMemoryError ? "out of memory: " + message : message;
  }

  /** Stops {@link #run()} (safe from another thread). */
  @Override
  public void close() {
    consumer.wakeup();
  }
}
