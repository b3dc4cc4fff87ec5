package dev.hilnas.streams;

import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.LatencyMeasurement;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Routes {@link MeasurementValidation}'s verdicts: accepted downstream, rejected to the DLQ. */
final class ValidateMeasurements extends ProcessFunction<RawRecord, LatencyMeasurement> {

  static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  static final String COMPONENT = "flink-validate";

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<LatencyMeasurement> out) {
    MeasurementValidation.Verdict verdict = MeasurementValidation.validate(raw.value());
    if (verdict.accepted()) {
      out.collect(verdict.measurement());
      return;
    }
    ctx.output(
        DEAD_LETTERS,
        DeadLetter.newBuilder()
            .setSourceTopic(raw.topic())
            .setPartition(raw.partition())
            .setOffset(raw.offset())
            .setKey(raw.key() == null ? null : ByteBuffer.wrap(raw.key()))
            .setValue(raw.value() == null ? null : ByteBuffer.wrap(raw.value()))
            .setReason(verdict.reason())
            .setComponent(COMPONENT)
            .setFailedAt(Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()))
            .build());
  }
}
