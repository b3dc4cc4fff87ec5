package dev.hilnas.streams;

import dev.hilnas.schemas.QualityEvaluation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gathers the accepted quality evaluations into one batch per {@code interval}, from a
 * processing-time timer, for the frontiers' broadcast side: every evaluation changes every target's
 * frontiers, and a target publishes once per batch instead of once per evaluation. The broadcast
 * side can set no timer of its own, so the gathering happens here, upstream. All evaluations share
 * one key ({@link #KEY}): they are few next to measurements. A zero interval passes each on alone.
 */
final class BatchEvaluations
    extends KeyedProcessFunction<Integer, QualityEvaluation, List<QualityEvaluation>> {

  /** The one key every evaluation is gathered under. */
  static final int KEY = 0;

  private final long intervalMs;
  private transient ListState<QualityEvaluation> held;
  private transient ValueState<Long> flushAt;

  BatchEvaluations(Duration interval) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("the batch interval must be >= 0, got " + interval);
    }
    this.intervalMs = interval.toMillis();
  }

  @Override
  public void open(OpenContext context) {
    held =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("held", new AvroTypeInfo<>(QualityEvaluation.class)));
    flushAt = getRuntimeContext().getState(new ValueStateDescriptor<>("flush-at", Types.LONG));
  }

  @Override
  public void processElement(
      QualityEvaluation evaluation, Context ctx, Collector<List<QualityEvaluation>> out)
      throws Exception {
    if (intervalMs == 0) {
      out.collect(List.of(evaluation));
      return;
    }
    held.add(evaluation);
    if (flushAt.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + intervalMs;
      ctx.timerService().registerProcessingTimeTimer(at);
      flushAt.update(at);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<List<QualityEvaluation>> out)
      throws Exception {
    flushAt.clear();
    List<QualityEvaluation> batch = new ArrayList<>();
    held.get().forEach(batch::add);
    held.clear();
    if (!batch.isEmpty()) {
      out.collect(batch);
    }
  }
}
