package dev.hilnas.streams;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Objective;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdateSerializer;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topic;
import dev.hilnas.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.function.SerializableSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The measurement job: validate what arrives on {@code hil.measurements} and {@code hil.quality},
 * route bad records to {@code hil.dlq} with the reason (and, past validation, every record an
 * operator throws on, so that no record can stop the job), key good measurements by hardware
 * target, refit each target's latency model ({@code hil.latency-models}) and keep its Pareto
 * frontiers ({@code hil.frontiers}), joining the broadcast quality evaluations.
 *
 * <p>Sources and sinks are arguments, so the embedded stack, a standalone cluster and tests all run
 * this same graph.
 */
public final class MeasurementJob {
  private MeasurementJob() {}

  static final String VALIDATE_UID = "validate-measurements";
  static final String PER_TARGET_UID = "per-target-snapshots";
  static final String FRONTIERS_UID = "per-target-frontiers";

  /** How long a measurement id is remembered to drop repeats: longer than any retry. */
  static final java.time.Duration DEDUP_MEMORY = java.time.Duration.ofDays(7);

  /** Adds the job's operators to {@code env}. */
  public static void build(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> measurements,
      Source<RawRecord, ?, ?> quality,
      Sink<DeadLetter> deadLetters,
      Sink<LatencyModelSnapshot> snapshots,
      Sink<FrontierUpdate> frontiers,
      JobSettings settings) {
    // Chained operators hand records on without an Avro deep copy (2.5% of the job's CPU in a JFR
    // profile of bench ingest). Safe here: every operator emits new objects or passes its input on
    // unchanged, and what one keeps in state came over the network, deserialized anew.
    env.getConfig().enableObjectReuse();
    SingleOutputStreamOperator<AcceptedMeasurement> valid =
        env.fromSource(measurements, WatermarkStrategy.noWatermarks(), "hil.measurements")
            .uid("measurements-source")
            .process(new ValidateMeasurements(settings.limits()), AcceptedMeasurement.TYPE)
            .name("validate")
            .uid(VALIDATE_UID);
    SingleOutputStreamOperator<QualityEvaluation> evaluations =
        env.fromSource(quality, WatermarkStrategy.noWatermarks(), "hil.quality")
            .uid("quality-source")
            .process(
                new ValidateQuality(settings.limits()), new AvroTypeInfo<>(QualityEvaluation.class))
            .name("validate-quality")
            .uid("validate-quality");

    // Repeats are dropped per target, in the operator that refits it: one shuffle, where dropping
    // them keyed by measurement id took a shuffle of its own and checkpointed an entry per id.
    SingleOutputStreamOperator<LatencyModelSnapshot> models =
        valid
            .keyBy(AcceptedMeasurement::targetId)
            .transform(
                "per-target",
                new AvroTypeInfo<>(LatencyModelSnapshot.class),
                new RefitOperator(
                    new RefitLatencyModel(
                        settings.publishInterval(),
                        LatencyModelTrainer.MAX_PER_PHASE,
                        DEDUP_MEMORY,
                        StateBounds.DEFAULTS)))
            .uid(PER_TARGET_UID);
    models.sinkTo(snapshots).name("hil.latency-models").uid("models-sink");

    EitherTypeInfo<AcceptedMeasurement, LatencyModelSnapshot> either =
        new EitherTypeInfo<>(
            AcceptedMeasurement.TYPE, new AvroTypeInfo<>(LatencyModelSnapshot.class));
    DataStream<Either<AcceptedMeasurement, LatencyModelSnapshot>> targetEvents =
        models
            .getSideOutput(RefitLatencyModel.UNIQUE)
            .map(m -> Either.<AcceptedMeasurement, LatencyModelSnapshot>Left(m), either)
            .name("as-target-event")
            .uid("measurements-as-events")
            .union(
                models
                    .map(s -> Either.<AcceptedMeasurement, LatencyModelSnapshot>Right(s), either)
                    .name("as-target-event")
                    .uid("models-as-events"));
    BroadcastStream<List<QualityEvaluation>> broadcastQuality =
        evaluations
            .keyBy(e -> BatchEvaluations.KEY, Types.INT)
            .process(
                new BatchEvaluations(settings.frontierInterval()),
                Types.LIST(new AvroTypeInfo<>(QualityEvaluation.class)))
            .name("batch-evaluations")
            .uid("batch-evaluations")
            .broadcast(UpdateFrontiers.QUALITIES);
    SingleOutputStreamOperator<FrontierUpdate> updates =
        targetEvents
            .keyBy(MeasurementJob::eventTargetId)
            .connect(broadcastQuality)
            .process(
                new UpdateFrontiers(
                    settings.objectives().stream().map(Objective::parse).toList(),
                    settings.frontierInterval()),
                new AvroTypeInfo<>(FrontierUpdate.class))
            .name("frontiers")
            .uid(FRONTIERS_UID);
    updates.sinkTo(frontiers).name("hil.frontiers").uid("frontiers-sink");

    // what validation rejects, and every record an operator threw on after it
    valid
        .getSideOutput(DeadLetters.TAG)
        .union(
            evaluations.getSideOutput(DeadLetters.TAG),
            models.getSideOutput(DeadLetters.TAG),
            updates.getSideOutput(DeadLetters.TAG))
        .sinkTo(deadLetters)
        .name("hil.dlq")
        .uid("dlq-sink");
  }

  static String eventTargetId(Either<AcceptedMeasurement, LatencyModelSnapshot> event) {
    return event.isLeft() ? event.left().targetId() : event.right().getTargetId();
  }

  /** Builds the job against Kafka: exactly-once from source offsets to sink transactions. */
  public static void buildForKafka(StreamExecutionEnvironment env, JobSettings settings) {
    build(
        env,
        kafkaSource(settings, Topics.MEASUREMENTS.name()),
        kafkaSource(settings, Topics.QUALITY.name()),
        exactlyOnceSink(Topics.DLQ, DeadLetter::getSourceTopic, settings, "dlq"),
        exactlyOnceSink(
            Topics.LATENCY_MODELS, LatencyModelSnapshot::getTargetId, settings, "models"),
        exactlyOnceSink(
            Topics.FRONTIERS,
            u -> FrontierUpdates.key(u.getTargetId(), Objective.parse(u.getObjective())),
            // copies the bytes of points the frontier's last update carried as the same objects
            FrontierUpdateSerializer::new,
            settings,
            "frontiers"),
        settings);
  }

  /**
   * The target id of a validated measurement, whose target validation left in its checked form:
   * checking its names again took a regular expression per name (it ran on both sides of both
   * shuffles keyed by target, before those carried the id).
   */
  static String targetId(LatencyMeasurement m) {
    dev.hilnas.schemas.HardwareTarget t = m.getTarget();
    return HardwareTarget.id(t.getHardware(), t.getRuntime(), t.getPrecision());
  }

  static KafkaSource<RawRecord> kafkaSource(JobSettings settings, String topic) {
    return KafkaSource.<RawRecord>builder()
        .setProperties(settings.kafka().clientProperties())
        .setTopics(topic)
        .setGroupId(settings.groupId())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new RawRecordDeserializer())
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .build();
  }

  static <V> KafkaSink<V> exactlyOnceSink(
      Topic<String, V> topic, SerializableKey<V> key, JobSettings settings, String name) {
    String topicName = topic.name(); // the supplier ships to the task managers: a name, not serdes
    return exactlyOnceSink(
        topic, key, () -> Topics.<V>byName(topicName).valueSerde().serializer(), settings, name);
  }

  /**
   * @param values makes the value serializer of each sink subtask, on its task thread: one that
   *     keeps state between records need not be thread-safe
   */
  static <V> KafkaSink<V> exactlyOnceSink(
      Topic<String, V> topic,
      SerializableKey<V> key,
      SerializableSupplier<Serializer<V>> values,
      JobSettings settings,
      String name) {
    Properties producer = settings.kafka().clientProperties();
    // The broker caps transactions at 15 minutes by default; Flink's default of 1 hour is refused.
    producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000");
    return KafkaSink.<V>builder()
        .setKafkaProducerConfig(producer)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(settings.transactionalIdPrefix() + "-" + name)
        .setRecordSerializer(new TopicSerializer<>(topic, key, values))
        .build();
  }

  /** A key extractor Flink can ship to task managers. */
  interface SerializableKey<V> extends Function<V, String>, java.io.Serializable {}

  private static final class TopicSerializer<V> implements KafkaRecordSerializationSchema<V> {
    private final String topicName;
    private final SerializableKey<V> key;
    private final SerializableSupplier<Serializer<V>> valueSerializer;
    private transient Serializer<V> values;

    TopicSerializer(
        Topic<String, V> topic,
        SerializableKey<V> key,
        SerializableSupplier<Serializer<V>> valueSerializer) {
      this.topicName = topic.name();
      this.key = key;
      this.valueSerializer = valueSerializer;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(V value, KafkaSinkContext ctx, Long timestamp) {
      if (values == null) {
        values = valueSerializer.get();
      }
      return new ProducerRecord<>(
          topicName,
          key.apply(value).getBytes(StandardCharsets.UTF_8),
          values.serialize(topicName, value));
    }
  }
}
