package dev.hilnas.streams;

import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelCodec;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.TrainingPoint;
import dev.hilnas.schemas.AvroCodec;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.HardwareTarget;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by target id: drops repeats of a measurement id the target has seen ({@link SeenIds}),
 * passes each new measurement on (side output {@link #UNIQUE}, for the frontiers), keeps the
 * target's newest measurements per phase (bounded by {@link LatencyModelTrainer#MAX_PER_PHASE}) and
 * refits its latency model at most once per {@code refitInterval}, publishing each fit as a {@link
 * LatencyModelSnapshot}: without checkpoints never later than that after a new measurement, and in
 * a checkpointed job by the next commit at the latest (below). The fit itself is {@link
 * LatencyModelTrainer} from {@code core}; this class only holds state and timers.
 *
 * <p>In a checkpointed job, where output becomes visible when a checkpoint commits it, {@link
 * RefitOperator} refits every target with points waiting just before each barrier, and a target
 * refits at most once between two barriers (see {@link #barrierPassStarts}): refits between
 * barriers were two thirds of the refit CPU in a profile of bench ingest, and no reader ever saw
 * their models.
 *
 * <p>Most refits take the fast path ({@link LatencyModelTrainer#refit}: prices and the trees'
 * leaves on the current points, cross-validated settings and splits kept); a full cross-validated
 * fit runs first and again whenever a quarter of the points held (at least {@value
 * #MIN_NEW_FOR_FULL_FIT}) are new since the last one — at most every {@value #FULL_FIT_EVERY_MS} ms
 * once a target holds {@value #SMALL} points, where a full fit starts to cost. That keeps a busy
 * target at about a tenth of the CPU of refitting in full. Below {@value #SMALL} points a model
 * without cross-validation (its fit saw too few architectures to hold one out) is fitted in full at
 * every refit with news, so a small target's accuracy shows as soon as it can be measured.
 *
 * <p>Between refits the points wait converted, in a per-instance cache of trainers ({@link
 * TrainerCache}), so a refit pays for the fit alone; a target the cache lost is rebuilt from state
 * at its next refit.
 *
 * <p>The points are held as their Avro encoding (single-object, so each names its schema): a
 * checkpoint copies their bytes, and they take about a fifth of the heap the records themselves
 * took. (Versions before held the records; those are read once, at the target's next refit, and
 * moved over.)
 *
 * <p>The points are kept as measurements, not features, so a new version of the feature code refits
 * correctly from restored state; a model stored by an older codec is refitted in full.
 *
 * <p>A measurement the fit cannot read goes to the DLQ ({@link Quarantine}) instead of into state.
 * A fit that fails all the same keeps the previous model and says so in the log: no one record is
 * to blame, and the next measurement tries again.
 */
final class RefitLatencyModel
    extends KeyedProcessFunction<String, AcceptedMeasurement, LatencyModelSnapshot> {

  static final String COMPONENT = "flink-refit";

  /** Each measurement whose id the target had not seen, and the fit can read. */
  static final OutputTag<AcceptedMeasurement> UNIQUE =
      new OutputTag<>("unique-measurements", AcceptedMeasurement.TYPE);

  static final int MIN_NEW_FOR_FULL_FIT = 32;
  static final double FULL_FIT_SHARE = 0.25;
  static final long FULL_FIT_EVERY_MS = 30_000;
  static final int SMALL = 256;

  private static final Logger log = LoggerFactory.getLogger(RefitLatencyModel.class);
  private static final AvroCodec<LatencyMeasurement> CODEC = AvroCodec.of(LatencyMeasurement.class);

  private final long refitIntervalMs;
  private final int maxPerPhase;
  private final Duration idMemory;
  private final int idCapacity;
  private final int cachedPoints;
  private transient ValueState<SeenIds> seen;
  private transient TrainerCache trainers;
  private transient Set<String> waiting; // keys with a refit due
  private transient Set<String> refitSinceBarrier; // null until the first pass before a barrier
  private transient Set<String> fullFitOwed; // keys a pass refitted fast where a full fit was due
  private transient long timerRefitNanos; // spent refitting at timers since the last pass
  private transient long timerBudgetNanos; // what they may spend: half of what a pass may
  private transient ValueState<Long> measurements;
  private transient ValueState<Long> version;
  private transient ValueState<HardwareTarget> target;
  private transient ValueState<Long> refitAt;
  private transient ValueState<byte[]> lastModel;
  private transient ValueState<Long> newSinceFullFit;
  private transient ValueState<Long> lastFullFitAt;
  private transient List<ListState<byte[]>> held; // encoded points, by Phase.ordinal()
  private transient List<ListState<LatencyMeasurement>> legacy; // as earlier versions held them

  RefitLatencyModel(Duration refitInterval) {
    this(refitInterval, LatencyModelTrainer.MAX_PER_PHASE);
  }

  RefitLatencyModel(Duration refitInterval, int maxPerPhase) {
    this(refitInterval, maxPerPhase, MeasurementJob.DEDUP_MEMORY, StateBounds.DEFAULTS);
  }

  /**
   * @param idMemory how long a measurement id is remembered, at least, to drop its repeats
   * @param bounds {@link StateBounds#rememberedIds()} caps the ids remembered per target, {@link
   *     StateBounds#cachedPoints()} the converted points kept between refits
   */
  RefitLatencyModel(
      Duration refitInterval, int maxPerPhase, Duration idMemory, StateBounds bounds) {
    this.refitIntervalMs = refitInterval.toMillis();
    this.maxPerPhase = maxPerPhase;
    this.idMemory = idMemory;
    this.idCapacity = bounds.rememberedIds();
    this.cachedPoints = bounds.cachedPoints();
  }

  @Override
  public void open(OpenContext context) {
    measurements =
        getRuntimeContext().getState(new ValueStateDescriptor<>("measurements", Long.class));
    version = getRuntimeContext().getState(new ValueStateDescriptor<>("version", Long.class));
    target =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "target", new HeldRecordSerializer<>(HardwareTarget.class)));
    refitAt = getRuntimeContext().getState(new ValueStateDescriptor<>("publish-at", Long.class));
    lastModel =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    newSinceFullFit =
        getRuntimeContext().getState(new ValueStateDescriptor<>("new-since-full-fit", Long.class));
    lastFullFitAt =
        getRuntimeContext().getState(new ValueStateDescriptor<>("last-full-fit-at", Long.class));
    seen =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("seen-ids", SeenIdsSerializer.INSTANCE));
    trainers = new TrainerCache(cachedPoints);
    waiting = new LinkedHashSet<>();
    fullFitOwed = new LinkedHashSet<>(); // longest owed first
    held = new ArrayList<>();
    legacy = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      held.add(
          getRuntimeContext()
              .getListState(
                  new ListStateDescriptor<>(
                      "held-" + phase, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)));
      legacy.add(
          getRuntimeContext()
              .getListState(
                  new ListStateDescriptor<>(
                      "points-" + phase, new HeldRecordSerializer<>(LatencyMeasurement.class))));
    }
  }

  @Override
  public void processElement(
      AcceptedMeasurement accepted, Context ctx, Collector<LatencyModelSnapshot> out)
      throws Exception {
    String key = ctx.getCurrentKey();
    long now = ctx.timerService().currentProcessingTime();
    Quarantine.run(
        () -> {
          if (!firstSeen(accepted.measurementId(), now)) {
            return; // a retried post, an import run twice, an agent re-sending: counted once
          }
          // validation made the point from the measurement it read; one the fit could not use is
          // refused now, before it is held and counted (its id stays remembered: a repeat of it
          // is dropped, not dead-lettered again)
          TrainingPoint point = accepted.point().checked();
          if (target.value() == null) { // once per target, and before anything else is written
            target.update(accepted.decode().getTarget());
          }
          LatencyModelTrainer trainer = trainers.get(key);
          if (trainer != null) { // a target the cache lost gets it from state at its next refit
            trainers.add(key, trainer, point);
          }
          hold(accepted, ctx);
          ctx.output(UNIQUE, accepted.withoutPoint());
        },
        Quarantine.NOTHING,
        failure -> letter(key, accepted.encoded(), failure, now),
        ctx::output);
  }

  private boolean firstSeen(String measurementId, long now) throws Exception {
    SeenIds ids = seen.value();
    if (ids == null) {
      ids = new SeenIds();
    }
    boolean first = ids.add(measurementId, now, idMemory, idCapacity);
    if (first) {
      seen.update(ids);
    }
    return first;
  }

  private void hold(AcceptedMeasurement accepted, Context ctx) throws Exception {
    measurements.update(orZero(measurements.value()) + 1);
    newSinceFullFit.update(orZero(newSinceFullFit.value()) + 1);
    held.get(accepted.phase().ordinal()).add(accepted.encoded());
    if (refitAt.value() == null) {
      refitLater(ctx.timerService(), ctx.timerService().currentProcessingTime());
    }
    waiting.add(ctx.getCurrentKey()); // also when its timer waits for a full fit: the pass goes on
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<LatencyModelSnapshot> out)
      throws Exception {
    Long due = refitAt.value();
    if (due == null || due != timestamp) {
      return; // refitted before a checkpoint since this timer was set
    }
    String key = ctx.getCurrentKey();
    boolean leftToPass = refitSinceBarrier != null && refitSinceBarrier.contains(key);
    boolean owed = fullFitOwed.contains(key);
    boolean longestOwed = owed && fullFitOwed.iterator().next().equals(key);
    if ((leftToPass && !owed) || (timersOutOfTime() && !longestOwed)) {
      // Output is visible only once a checkpoint commits it, and the pass before the next barrier
      // refits this target: a second refit between barriers would be overtaken, unseen, by that
      // one. The timer ticks on, for when that pass runs out of time before reaching the target.
      refitLater(ctx.timerService(), timestamp);
      if (!leftToPass) {
        waiting.add(key); // (refitted in the pass, it is back in waiting if new points came)
      }
      return;
    }
    long start = System.nanoTime();
    refit(key, timestamp, true, out, ctx::output, ctx.timerService());
    timerRefitNanos += System.nanoTime() - start;
  }

  /**
   * Whether refits at timers have taken, since the last pass before a barrier, more than their
   * budget: with many busy targets, refits would take all the time records need. Targets beyond it
   * wait for the next pass, or the timers after it; the target owed a full fit longest is not held
   * back, so that full fits go on, one after another.
   */
  private boolean timersOutOfTime() {
    return refitSinceBarrier != null && timerRefitNanos > timerBudgetNanos;
  }

  private void refitLater(TimerService timers, long now) throws IOException {
    long at = now + refitIntervalMs;
    timers.registerProcessingTimeTimer(at);
    refitAt.update(at);
  }

  /**
   * What {@link RefitOperator} says as each pass before a barrier starts. From then on a target
   * refits at most once between two barriers: in the pass, or at its timer when the pass ran out of
   * time before it, and its later timers leave the refit to the next pass. A full fit, which takes
   * longer than a pass may, is left to the target's timer, which makes it soon after. Refits at
   * timers may take, until the next pass, half the time the pass may ({@code budgetMs}): with 40
   * busy targets, fits took 70% of the operator's time, full fits at timers 30%.
   */
  void barrierPassStarts(long budgetMs) {
    refitSinceBarrier = new HashSet<>();
    timerRefitNanos = 0;
    timerBudgetNanos = budgetMs * 1_000_000 / 2;
  }

  /** Targets with points that no refit has seen yet (since this instance started). */
  List<String> waiting() {
    return List.copyOf(waiting);
  }

  /**
   * Refits the current key, {@code key}, now if points wait for it; what {@link RefitOperator}
   * calls before a checkpoint barrier.
   */
  void refitWaiting(
      String key,
      long now,
      TimerService timers,
      Collector<LatencyModelSnapshot> out,
      Quarantine.SideOutput dlq)
      throws Exception {
    if (refitAt.value() != null) {
      refit(key, now, false, out, dlq, timers);
    } else {
      waiting.remove(key);
    }
  }

  /**
   * @param fullFitAllowed false for a pass before a barrier: a full fit due is left to the timer
   */
  private void refit(
      String key,
      long timestamp,
      boolean fullFitAllowed,
      Collector<LatencyModelSnapshot> out,
      Quarantine.SideOutput dlq,
      TimerService timers)
      throws Exception {
    refitAt.clear();
    waiting.remove(key);
    if (refitSinceBarrier != null) {
      refitSinceBarrier.add(key);
    }
    LatencyModelTrainer trainer = trainers.get(key);
    if (trainer == null) {
      trainer = rebuild(key, timestamp, dlq);
      trainers.put(key, trainer);
    } else {
      trimHeld();
    }
    if (trainer.size() == 0 || target.value() == null) {
      return;
    }
    AdditiveLatencyModel previous = previousModel(key);
    long fresh = orZero(newSinceFullFit.value());
    boolean moved = fresh >= Math.max(MIN_NEW_FOR_FULL_FIT, FULL_FIT_SHARE * trainer.size());
    boolean due =
        trainer.size() < SMALL || timestamp - orZero(lastFullFitAt.value()) >= FULL_FIT_EVERY_MS;
    // a fast refit keeps its model's CV figures, and a first fit of one architecture has none:
    // a small target would show no accuracy until 32 more measurements came
    boolean unchecked =
        previous != null
            && fresh > 0
            && trainer.size() < SMALL
            && previous.crossValidated().n() == 0;
    boolean full = previous == null || (moved && due) || unchecked;
    if (fullFitAllowed) {
      fullFitOwed.remove(key); // decided again, from state, just above
    }
    if (full && !fullFitAllowed && previous != null) {
      full = false;
      fullFitOwed.add(key);
      refitLater(timers, timestamp);
    }
    AdditiveLatencyModel model;
    try {
      model = full ? trainer.fit().orElseThrow() : trainer.refit(previous).orElseThrow();
    } catch (RuntimeException e) {
      log.warn(
          "target {}: refit failed, model version {} stays: {}",
          key,
          orZero(version.value()),
          e.toString());
      return;
    }
    if (full) {
      newSinceFullFit.clear();
      lastFullFitAt.update(timestamp);
    }
    lastModel.update(LatencyModelCodec.encode(model));
    long next = orZero(version.value()) + 1;
    version.update(next);
    out.collect(
        ModelSnapshots.of(
            key,
            target.value(),
            next,
            measurements.value(),
            model,
            Instant.ofEpochMilli(timestamp)));
  }

  /**
   * A trainer of the points held in state, trimmed to the newest {@code maxPerPhase} per phase;
   * points an older version held that this one cannot read go to the DLQ once, and are dropped.
   */
  private LatencyModelTrainer rebuild(String key, long timestamp, Quarantine.SideOutput dlq)
      throws Exception {
    LatencyModelTrainer trainer = new LatencyModelTrainer(maxPerPhase, false);
    for (Phase phase : Phase.values()) {
      // each point with its encoding: kept as it is held, encoded once for one held as a record
      List<LatencyMeasurement> points = new ArrayList<>();
      List<byte[]> encoded = new ArrayList<>();
      for (LatencyMeasurement m : legacy.get(phase.ordinal()).get()) { // older than any bytes
        points.add(m);
        encoded.add(m == null ? null : CODEC.encode(m));
      }
      boolean migrate = !points.isEmpty();
      for (byte[] bytes : held.get(phase.ordinal()).get()) {
        points.add(decode(key, bytes));
        encoded.add(bytes);
      }
      int stored = points.size();
      int from = Math.max(0, points.size() - maxPerPhase);
      List<byte[]> readable = new ArrayList<>(points.size() - from);
      for (int i = from; i < points.size(); i++) {
        LatencyMeasurement m = points.get(i);
        byte[] bytes = encoded.get(i);
        if (m == null) { // written under a schema this version cannot read (logged): dropped
          continue;
        }
        if (Quarantine.run(
            // hashed anew: a point held by an earlier version carries the arch id of its time
            () -> trainer.add(Convert.fromAvro(m)),
            Quarantine.NOTHING,
            failure -> letter(key, bytes, failure, timestamp),
            dlq)) {
          readable.add(bytes);
          if (target.value() == null) { // one this version could not read
            target.update(m.getTarget());
          }
        }
      }
      if (migrate || readable.size() < stored) {
        legacy.get(phase.ordinal()).clear();
        held.get(phase.ordinal()).update(readable);
      }
    }
    return trainer;
  }

  /** A held point; null, logged, when it was written under a schema this version cannot read. */
  private static LatencyMeasurement decode(String key, byte[] bytes) {
    try {
      return CODEC.decode(bytes);
    } catch (IllegalArgumentException e) {
      log.warn("target {}: a held point cannot be read, dropped: {}", key, e.getMessage());
      return null;
    }
  }

  /** Keeps the state's points to the newest {@code maxPerPhase} per phase, as the trainer does. */
  private void trimHeld() throws Exception {
    for (ListState<byte[]> phasePoints : held) {
      Iterable<byte[]> points = phasePoints.get();
      if (points instanceof List<byte[]> list && list.size() <= maxPerPhase) {
        continue; // the heap backend's list: no copy needed to know
      }
      List<byte[]> all = new ArrayList<>();
      points.forEach(all::add);
      if (all.size() > maxPerPhase) {
        phasePoints.update(new ArrayList<>(all.subList(all.size() - maxPerPhase, all.size())));
      }
    }
  }

  /**
   * The last model fitted; null before the first, or when an older codec stored it (then refit in
   * full).
   */
  private AdditiveLatencyModel previousModel(String key) throws Exception {
    byte[] previous = lastModel.value();
    if (previous == null) {
      return null;
    }
    try {
      return LatencyModelCodec.decode(previous);
    } catch (IllegalArgumentException e) {
      log.info(
          "target {}: the stored model cannot be read ({}); fitting in full", key, e.getMessage());
      return null;
    }
  }

  private static DeadLetter letter(
      String key, byte[] encoded, RuntimeException failure, long nowMs) {
    return DeadLetters.thrown(
        Topics.MEASUREMENTS.name(), key, encoded, COMPONENT, "refit of " + key, failure, nowMs);
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
