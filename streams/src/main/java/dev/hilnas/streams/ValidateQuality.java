package dev.hilnas.streams;

import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.QualityEvaluation;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Routes {@link QualityValidation}'s verdicts: accepted downstream, rejected to the DLQ. */
final class ValidateQuality extends ProcessFunction<RawRecord, QualityEvaluation> {

  static final String COMPONENT = "flink-quality";

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<QualityEvaluation> out) {
    QualityValidation.Verdict verdict = QualityValidation.validate(raw.value());
    if (verdict.accepted()) {
      out.collect(verdict.quality());
      return;
    }
    ctx.output(
        ValidateMeasurements.DEAD_LETTERS,
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
