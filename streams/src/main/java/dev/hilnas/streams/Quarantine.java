package dev.hilnas.streams;

import dev.hilnas.schemas.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.util.Collector;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an operator's work on one record so that a record which makes it throw — whatever slipped
 * past validation — goes to {@code hil.dlq} instead of failing the job, which would restart from
 * its checkpoint, meet the same record and fail again, forever.
 *
 * <p>What the work collects is held back until it completes, so a record that throws publishes
 * nothing. The work must leave Flink state alone until it cannot throw any more (build first, then
 * write); what it changed elsewhere (a cache) the operator's undo puts back, unless it refused the
 * record at a bound ({@link StateLimitExceeded}), before changing anything. Failures of Flink
 * itself ({@link FlinkRuntimeException}: the state backend, serialisation) are not the record's
 * fault and still fail the job, as a restart is their cure.
 */
final class Quarantine {
  private static final Logger log = LoggerFactory.getLogger(Quarantine.class);

  private Quarantine() {}

  /** One record's work; what it collects goes on only if it completes. */
  interface Work<O> {
    void run(Collector<O> out) throws Exception;
  }

  /** One record's work that publishes nothing. */
  interface Step {
    void run() throws Exception;
  }

  /** Puts back what a failed work changed outside Flink state. */
  interface Undo {
    void run() throws Exception;
  }

  /** Where dead letters go: an operator context's side output ({@code ctx::output}). */
  interface SideOutput {
    void output(OutputTag<DeadLetter> tag, DeadLetter letter);
  }

  static final Undo NOTHING = () -> {};

  /** A target at a state bound refuses record after record: one line a minute says so. */
  private static final LogThrottle AT_BOUNDS = new LogThrottle(60_000);

  /**
   * Runs {@code work}; when it throws, runs {@code undo} and sends the dead letter {@code letter}
   * makes of the failure to {@code dlq}.
   *
   * @return whether the work completed (and its output went to {@code out})
   */
  static <O> boolean run(
      Work<O> work,
      Undo undo,
      Collector<O> out,
      Function<RuntimeException, DeadLetter> letter,
      SideOutput dlq)
      throws Exception {
    List<O> held = new ArrayList<>();
    try {
      work.run(new ListCollector<>(held));
    } catch (FlinkRuntimeException e) {
      throw e;
    } catch (RuntimeException e) {
      // a refusal at a bound changed nothing; undoing it dropped caches that are costly to rebuild
      if (!(e instanceof StateLimitExceeded)) {
        undo.run();
      }
      DeadLetter dead = letter.apply(e);
      if (e instanceof StateLimitExceeded) {
        AT_BOUNDS
            .pass(System.nanoTime() / 1_000_000)
            .ifPresent(
                heldBack ->
                    log.warn(
                        "{}: {}; the record goes to hil.dlq, as {} more did since the last such"
                            + " line (one a minute)",
                        dead.getComponent(),
                        dead.getReason(),
                        heldBack));
      } else {
        log.warn("{}: {}; the record goes to hil.dlq", dead.getComponent(), dead.getReason(), e);
      }
      dlq.output(DeadLetters.TAG, dead);
      return false;
    }
    held.forEach(out::collect);
    return true;
  }

  /** {@link #run(Work, Undo, Collector, Function, SideOutput)} for work that publishes nothing. */
  static boolean run(
      Step step, Undo undo, Function<RuntimeException, DeadLetter> letter, SideOutput dlq)
      throws Exception {
    return run(out -> step.run(), undo, NO_OUTPUT, letter, dlq);
  }

  private static final Collector<Object> NO_OUTPUT =
      new Collector<>() {
        @Override
        public void collect(Object record) {}

        @Override
        public void close() {}
      };
}
