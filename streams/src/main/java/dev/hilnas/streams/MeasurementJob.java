package dev.hilnas.streams;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.Topic;
import dev.hilnas.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The measurement job: validate what arrives on {@code hil.measurements}, route bad records to
 * {@code hil.dlq} with the reason, key good ones by hardware target, and keep per-target state
 * that is published to {@code hil.latency-models}.
 *
 * <p>Sources and sinks are arguments, so the embedded stack, a standalone cluster and tests all
 * run this same graph.
 */
public final class MeasurementJob {
  private MeasurementJob() {}

  static final String VALIDATE_UID = "validate-measurements";
  static final String PER_TARGET_UID = "per-target-snapshots";

  /** Adds the job's operators to {@code env}. */
  public static void build(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> measurements,
      Sink<DeadLetter> deadLetters,
      Sink<LatencyModelSnapshot> snapshots,
      JobSettings settings) {
    SingleOutputStreamOperator<LatencyMeasurement> valid =
        env.fromSource(measurements, WatermarkStrategy.noWatermarks(), "hil.measurements")
            .uid("measurements-source")
            .process(new ValidateMeasurements(), new AvroTypeInfo<>(LatencyMeasurement.class))
            .name("validate")
            .uid(VALIDATE_UID);

    valid.getSideOutput(ValidateMeasurements.DEAD_LETTERS).sinkTo(deadLetters).name("hil.dlq").uid("dlq-sink");

    valid
        .keyBy(MeasurementJob::targetId)
        .process(
            new RefitLatencyModel(settings.publishInterval()),
            new AvroTypeInfo<>(LatencyModelSnapshot.class))
        .name("per-target")
        .uid(PER_TARGET_UID)
        .sinkTo(snapshots)
        .name("hil.latency-models")
        .uid("models-sink");
  }

  /** Builds the job against Kafka: exactly-once from source offsets to sink transactions. */
  public static void buildForKafka(StreamExecutionEnvironment env, JobSettings settings) {
    build(
        env,
        kafkaSource(settings),
        exactlyOnceSink(Topics.DLQ, DeadLetter::getSourceTopic, settings, "dlq"),
        exactlyOnceSink(Topics.LATENCY_MODELS, LatencyModelSnapshot::getTargetId, settings, "models"),
        settings);
  }

  static String targetId(LatencyMeasurement m) {
    return new HardwareTarget(
            m.getTarget().getHardware(), m.getTarget().getRuntime(), m.getTarget().getPrecision())
        .id();
  }

  static KafkaSource<RawRecord> kafkaSource(JobSettings settings) {
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(settings.bootstrapServers())
        .setTopics(Topics.MEASUREMENTS.name())
        .setGroupId(settings.groupId())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new RawRecordDeserializer())
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .build();
  }

  static <V> KafkaSink<V> exactlyOnceSink(
      Topic<String, V> topic,
      SerializableKey<V> key,
      JobSettings settings,
      String name) {
    Properties producer = new Properties();
    // The broker caps transactions at 15 minutes by default; Flink's default of 1 hour is refused.
    producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000");
    return KafkaSink.<V>builder()
        .setBootstrapServers(settings.bootstrapServers())
        .setKafkaProducerConfig(producer)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(settings.transactionalIdPrefix() + "-" + name)
        .setRecordSerializer(new TopicSerializer<>(topic, key))
        .build();
  }

  /** A key extractor Flink can ship to task managers. */
  interface SerializableKey<V> extends Function<V, String>, java.io.Serializable {}

  private static final class TopicSerializer<V> implements KafkaRecordSerializationSchema<V> {
    private final String topicName;
    private final SerializableKey<V> key;
    private transient Serializer<V> values;

    TopicSerializer(Topic<String, V> topic, SerializableKey<V> key) {
      this.topicName = topic.name();
      this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(V value, KafkaSinkContext ctx, Long timestamp) {
      if (values == null) {
        values = Topics.<V>byName(topicName).valueSerde().serializer();
      }
      return new ProducerRecord<>(
          topicName,
          key.apply(value).getBytes(StandardCharsets.UTF_8),
          values.serialize(topicName, value));
    }
  }
}
