package dev.hilnas.streams;

import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.Topics;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by measurement id: passes the first measurement of each id and drops repeats, so a device
 * that retries a post, an importer run twice or an agent that re-sends never counts one measurement
 * twice. Ids are remembered for {@code memory} (state TTL), which bounds the state. A measurement
 * that makes it throw goes to the DLQ ({@link Quarantine}), unseen.
 */
final class DropDuplicateMeasurements
    extends KeyedProcessFunction<String, LatencyMeasurement, LatencyMeasurement> {

  static final String COMPONENT = "flink-dedup";

  private final Duration memory;
  private transient ValueState<Boolean> seen;

  DropDuplicateMeasurements(Duration memory) {
    this.memory = memory;
  }

  @Override
  public void open(OpenContext context) {
    ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(memory).build());
    seen = getRuntimeContext().getState(descriptor);
  }

  @Override
  public void processElement(LatencyMeasurement m, Context ctx, Collector<LatencyMeasurement> out)
      throws Exception {
    Quarantine.run(
        held -> {
          if (seen.value() == null) {
            seen.update(true);
            held.collect(m);
          }
        },
        Quarantine.NOTHING,
        out,
        failure ->
            DeadLetters.thrown(
                Topics.MEASUREMENTS,
                null,
                m,
                COMPONENT,
                "drop-duplicates",
                failure,
                ctx.timerService().currentProcessingTime()),
        ctx::output);
  }
}
