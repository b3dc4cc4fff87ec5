package dev.hilnas.streams;

import dev.hilnas.schemas.HardwareTarget;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.LatencyModelSnapshot;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by target id: counts the target's accepted measurements and publishes a
 * {@link LatencyModelSnapshot} at most once per {@code publishInterval}, and never later than that
 * after a change. The model fields stay empty until the latency model (issue 4) is fitted here.
 */
final class PublishTargetSnapshots
    extends KeyedProcessFunction<String, LatencyMeasurement, LatencyModelSnapshot> {

  private final long publishIntervalMs;
  private transient ValueState<Long> measurements;
  private transient ValueState<Long> version;
  private transient ValueState<HardwareTarget> target;
  private transient ValueState<Long> publishAt;

  PublishTargetSnapshots(Duration publishInterval) {
    this.publishIntervalMs = publishInterval.toMillis();
  }

  @Override
  public void open(OpenContext context) {
    measurements = getRuntimeContext().getState(new ValueStateDescriptor<>("measurements", Long.class));
    version = getRuntimeContext().getState(new ValueStateDescriptor<>("version", Long.class));
    target =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("target", new AvroTypeInfo<>(HardwareTarget.class)));
    publishAt = getRuntimeContext().getState(new ValueStateDescriptor<>("publish-at", Long.class));
  }

  @Override
  public void processElement(LatencyMeasurement m, Context ctx, Collector<LatencyModelSnapshot> out)
      throws Exception {
    measurements.update(orZero(measurements.value()) + 1);
    if (target.value() == null) {
      target.update(m.getTarget());
    }
    if (publishAt.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + publishIntervalMs;
      ctx.timerService().registerProcessingTimeTimer(at);
      publishAt.update(at);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<LatencyModelSnapshot> out)
      throws Exception {
    publishAt.clear();
    long next = orZero(version.value()) + 1;
    version.update(next);
    out.collect(
        LatencyModelSnapshot.newBuilder()
            .setTargetId(ctx.getCurrentKey())
            .setTarget(target.value())
            .setVersion(next)
            .setMeasurements(measurements.value())
            .setUpdatedAt(Instant.ofEpochMilli(timestamp))
            .build());
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
