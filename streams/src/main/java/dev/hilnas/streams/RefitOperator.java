package dev.hilnas.streams;

import dev.hilnas.schemas.LatencyModelSnapshot;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs {@link RefitLatencyModel}, and refits every target with points waiting just before each
 * checkpoint barrier. Output is visible only once a checkpoint commits it (exactly-once), so
 * refitting then puts the model of every point a checkpoint holds into that checkpoint: a point no
 * longer waits a whole checkpoint interval more when its refit timer would have fired just after
 * the barrier. The work before a barrier is bounded by {@link #BUDGET_MS}; targets beyond it refit
 * at their timers, once before the next barrier.
 */
final class RefitOperator
    extends KeyedProcessOperator<String, AcceptedMeasurement, LatencyModelSnapshot> {

  /**
   * The most time refits may hold a barrier back, ms. A target the pass does not reach misses the
   * checkpoint: at 200 ms, eight busy targets' fast refits on a loaded 2-core machine often did not
   * fit, and their models came a checkpoint interval late.
   */
  static final long BUDGET_MS = 500;

  private final long budgetMs;

  RefitOperator(RefitLatencyModel refit) {
    this(refit, BUDGET_MS);
  }

  /**
   * @param budgetMs the most time refits may hold a barrier back
   */
  RefitOperator(RefitLatencyModel refit, long budgetMs) {
    super(refit);
    this.budgetMs = budgetMs;
  }

  private transient TimerService timers;

  @Override
  public void open() throws Exception {
    super.open();
    // the timer service the function's own timers use (KeyedProcessOperator's, by its name)
    timers =
        new SimpleTimerService(
            getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this));
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    RefitLatencyModel refit = (RefitLatencyModel) userFunction;
    TimestampedCollector<LatencyModelSnapshot> out = new TimestampedCollector<>(output);
    out.eraseTimestamp();
    long now = getProcessingTimeService().getCurrentProcessingTime();
    long deadline = System.nanoTime() + budgetMs * 1_000_000;
    refit.barrierPassStarts(budgetMs);
    for (String key : refit.waiting()) { // who waited longest first: a pass cut short goes on there
      if (System.nanoTime() >= deadline) {
        return;
      }
      setCurrentKey(key);
      refit.refitWaiting(
          key, now, timers, out, (tag, letter) -> output.collect(tag, new StreamRecord<>(letter)));
    }
  }
}
