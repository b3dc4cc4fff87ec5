package dev.hilnas.streams;

import dev.hilnas.core.Limits;
import dev.hilnas.schemas.QualityEvaluation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Routes {@link QualityValidation}'s verdicts: accepted downstream, rejected to the DLQ. */
final class ValidateQuality extends ProcessFunction<RawRecord, QualityEvaluation> {

  static final String COMPONENT = "flink-quality";

  private final Limits limits;

  ValidateQuality(Limits limits) {
    this.limits = limits;
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<QualityEvaluation> out) {
    QualityValidation.Verdict verdict = QualityValidation.validate(raw.value(), limits);
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
