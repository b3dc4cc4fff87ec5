package dev.hilnas.streams;

import dev.hilnas.core.Limits;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Routes {@link MeasurementValidation}'s verdicts: accepted downstream, rejected to the DLQ. */
final class ValidateMeasurements extends ProcessFunction<RawRecord, AcceptedMeasurement> {

  static final String COMPONENT = "flink-validate";

  private final Limits limits;

  ValidateMeasurements(Limits limits) {
    this.limits = limits;
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<AcceptedMeasurement> out) {
    MeasurementValidation.Verdict verdict = MeasurementValidation.validate(raw.value(), limits);
    if (verdict.accepted()) {
      out.collect(AcceptedMeasurement.of(verdict.measurement(), verdict.point()));
      return;
    }
    ctx.output(
        DeadLetters.TAG,
        DeadLetters.of(
            raw, verdict.reason(), COMPONENT, ctx.timerService().currentProcessingTime()));
  }
}
