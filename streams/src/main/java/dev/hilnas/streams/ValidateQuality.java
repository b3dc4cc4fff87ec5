package dev.hilnas.streams;

import dev.hilnas.schemas.QualityEvaluation;
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
        DeadLetters.TAG,
        DeadLetters.of(
            raw, verdict.reason(), COMPONENT, ctx.timerService().currentProcessingTime()));
  }
}
