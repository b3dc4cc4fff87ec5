package dev.hilnas.producers.agent;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.Topics;
import dev.hilnas.producers.kafka.ProducerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
 * A device agent: consumes {@code hil.candidates} in a consumer group per target (identical
 * devices share the work), times each requested candidate with a {@link Runner}, and publishes
 * the measurements to {@code hil.measurements} in one Kafka transaction with the consumed offsets
 * — a crash between measuring and committing re-measures, but never publishes twice.
 */
public final class MeasuringAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MeasuringAgent.class);

  private final Measurer measurer;
  private final Measurer.Settings settings;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;

  public MeasuringAgent(String bootstrap, Measurer measurer) {
    this.measurer = measurer;
    this.settings = measurer.settings();
    String group = "hilnas-agent-" + settings.target().id().replace('/', '.');
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1"); // one candidate per transaction
    c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "1800000"); // a big candidate takes a while
    consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Properties p = ProducerSettings.reliable(bootstrap, settings.agentId());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "." + settings.agentId());
    producer = new KafkaProducer<>(p);
    producer.initTransactions();
  }

  /** Consumes and measures until {@link #close()} is called from another thread. */
  public void run() {
    consumer.subscribe(List.of(Topics.CANDIDATES.name()));
    var requests = Topics.CANDIDATES.valueSerde().deserializer();
    try {
      while (true) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          List<Measurement> measured = List.of();
          try {
            measured = measure(requests.deserialize(record.topic(), record.value()));
          } catch (RuntimeException e) { // a bad request must not stop the agent
            log.warn("skipped candidate request at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
          }
          publish(measured, record);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
      producer.close();
    }
  }

  /** The measurements of one request, or none when it is not for this target. */
  List<Measurement> measure(CandidateRequest request) {
    List<String> targets = request.getTargets();
    if (!targets.isEmpty() && !targets.contains(settings.target().id())) {
      return List.of();
    }
    Candidate candidate = Convert.fromAvro(request.getCandidate());
    List<Objective> objectives = new ArrayList<>();
    if (request.getContexts().isEmpty()) {
      objectives.addAll(settings.objectives());
    } else {
      for (int context : request.getContexts()) {
        objectives.add(new Objective(Phase.PREFILL, context));
        objectives.add(new Objective(Phase.DECODE, context));
      }
    }
    return measurer.measure(candidate, request.getRequestId(), objectives);
  }

  private void publish(List<Measurement> measured, ConsumerRecord<byte[], byte[]> record) {
    producer.beginTransaction();
    for (Measurement m : measured) {
      byte[] value = Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, Convert.toAvro(m));
      producer.send(new ProducerRecord<>(Topics.MEASUREMENTS.name(),
          m.target().id().getBytes(StandardCharsets.UTF_8), value));
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
    producer.commitTransaction();
    if (!measured.isEmpty()) {
      log.info("measured {} on {}: {}", measured.get(0).candidate().archId(), settings.target().id(),
          measured.stream().map(m -> m.objective() + " " + String.format("%.3f ms", m.latencyMs())).toList());
    }
  }

  /** Stops {@link #run()} (safe from another thread). */
  @Override
  public void close() {
    consumer.wakeup();
  }
}
