package dev.hilnas.streams;

import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelCodec;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.WirePoints;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.DoubleSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by target id: keeps the target's frontiers ({@link TargetFrontiers} from {@code core}) up
 * to date as its measurements and model refits arrive on the keyed side and quality evaluations
 * (which hold for every target, but for a target whose precision names a weight width only those of
 * candidates of that width: {@link TargetFrontiers#of}) arrive broadcast, and publishes a {@link
 * FrontierUpdate} for every (target, objective) whose frontier changed.
 *
 * <p>Flink state holds the inputs — measured repeats per (architecture, objective), the latest
 * model, the evaluations — and the frontiers are derived from them, kept in a per-instance cache
 * that is rebuilt from state after a restore. The hypervolume reference of a (target, objective) is
 * fixed when its frontier first changes: twice the worst latency and quality then.
 *
 * <p>Updates coalesce: with a {@code publishInterval} above zero, a record marks the objectives it
 * changed as pending (in state) and the target publishes them all at once, at most once per
 * interval, from a processing-time timer; each update carries every change since the last. A
 * frontier update is rebuilt in full (hundreds of KB for a big frontier), so under load this is
 * what keeps the operator's cost per interval, not per record. Evaluations arrive in batches
 * ({@link BatchEvaluations}, one per interval, as the broadcast side can set no timer): a batch
 * joins the pending updates of a target that has a timer set, and the others publish it at once,
 * one update per changed objective for the whole batch. What is published last is the same as
 * publishing after each record; with a zero interval it is exactly that.
 *
 * <p>A new model re-ranks every predicted point of the target, which costs in proportion to its
 * evaluated architectures: a target with many (thousands) re-ranks at most once per gap in
 * proportion to that cost ({@link RerankPacing}), its newest model waiting in state for a timer;
 * measurements and evaluations are never held back.
 *
 * <p>A record that makes a target's update throw goes to the DLQ ({@link Quarantine}) and leaves
 * the target as it was: state is written only once every update is built, and the cached frontiers
 * the failed update touched are dropped, to be rebuilt from state. An evaluation is refused per
 * target: broadcast state must stay the same on every instance, so a target that cannot take an
 * evaluation notes in its own state that it refused it, and goes without an evaluation of that
 * architecture until a newer one arrives.
 */
final class UpdateFrontiers
    extends KeyedBroadcastProcessFunction<
        String,
        Either<AcceptedMeasurement, LatencyModelSnapshot>,
        List<QualityEvaluation>,
        FrontierUpdate> {

  static final String COMPONENT = "flink-frontiers";

  static final MapStateDescriptor<String, QualityEvaluation> QUALITIES =
      new MapStateDescriptor<>(
          "qualities",
          StringSerializer.INSTANCE,
          new HeldRecordSerializer<>(QualityEvaluation.class));

  private static final ValueStateDescriptor<Boolean> SEEN =
      new ValueStateDescriptor<>("seen", Types.BOOLEAN);

  private static final Logger log = LoggerFactory.getLogger(UpdateFrontiers.class);

  private final List<String> objectiveNames;
  private final long publishIntervalMs;
  private final StateBounds bounds;
  private final RerankPacing pacing;
  private transient List<Objective> objectives;
  private transient ValueState<Boolean> seen;
  private transient MapState<String, List<Double>> measured; // "archId|objective" -> newest repeats
  private transient ValueState<Integer> measuredCells; // measured's size; null before it is counted
  private transient ValueState<byte[]> model;
  private transient MapState<String, Long> versions;
  private transient MapState<String, double[]> references;
  private transient MapState<String, QualityEvaluation> refused; // archId -> evaluation refused
  private transient MapState<String, Boolean> pending; // objectives changed since their last update
  private transient ValueState<Long> publishAt; // the pending updates' timer, when one is set
  private transient ValueState<LatencyModelSnapshot> heldModel; // newer than model, not applied
  private transient ValueState<Long> rerankAt; // the held-back model's timer, when one is set
  private transient Map<String, TargetFrontiers> cache; // least recently used first
  // targets' frontiers built from state (first use, a restore, a cache miss): O(cells) each
  private transient Counter built;
  private transient Map<String, Long> rerankedAt; // when a cached target last re-ranked
  private transient WiredTargets wired; // targets' last updates on the wire
  private transient Integer
      evaluationsHeld; // the broadcast state's size; null before it is counted

  /** Publishes after each record that changes a frontier. */
  UpdateFrontiers(List<Objective> objectives) {
    this(objectives, Duration.ZERO);
  }

  /**
   * @param publishInterval the most often a target publishes its frontier updates; zero: after each
   *     record
   */
  UpdateFrontiers(List<Objective> objectives, Duration publishInterval) {
    this(objectives, publishInterval, StateBounds.DEFAULTS);
  }

  UpdateFrontiers(List<Objective> objectives, Duration publishInterval, StateBounds bounds) {
    this(objectives, publishInterval, bounds, RerankPacing.DEFAULTS);
  }

  UpdateFrontiers(
      List<Objective> objectives,
      Duration publishInterval,
      StateBounds bounds,
      RerankPacing pacing) {
    if (publishInterval.isNegative()) {
      throw new IllegalArgumentException(
          "the frontier publish interval must be >= 0, got " + publishInterval);
    }
    this.objectiveNames = objectives.stream().map(Objective::toString).toList();
    this.publishIntervalMs = publishInterval.toMillis();
    this.bounds = bounds;
    this.pacing = pacing;
  }

  @Override
  public void open(OpenContext context) {
    objectives = objectiveNames.stream().map(Objective::parse).toList();
    built = getRuntimeContext().getMetricGroup().counter("frontiersBuilt");
    seen = getRuntimeContext().getState(SEEN);
    measured =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "measured",
                    Utf8Serializer.INSTANCE,
                    new ListSerializer<>(DoubleSerializer.INSTANCE)));
    measuredCells =
        getRuntimeContext().getState(new ValueStateDescriptor<>("measured-cells", Types.INT));
    model =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    versions =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("versions", Types.STRING, Types.LONG));
    references =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "references",
                    Types.STRING,
                    PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
    refused =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "refused",
                    StringSerializer.INSTANCE,
                    new HeldRecordSerializer<>(QualityEvaluation.class)));
    pending =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("pending", Types.STRING, Types.BOOLEAN));
    publishAt = getRuntimeContext().getState(new ValueStateDescriptor<>("publish-at", Types.LONG));
    heldModel =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "held-model", new HeldRecordSerializer<>(LatencyModelSnapshot.class)));
    rerankAt = getRuntimeContext().getState(new ValueStateDescriptor<>("rerank-at", Types.LONG));
    rerankedAt = leastRecentlyUsed(bounds.cachedTargets());
    cache = leastRecentlyUsed(bounds.cachedTargets());
    wired = new WiredTargets();
  }

  private static <V> Map<String, V> leastRecentlyUsed(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  @Override
  public void processElement(
      Either<AcceptedMeasurement, LatencyModelSnapshot> event,
      ReadOnlyContext ctx,
      Collector<FrontierUpdate> out)
      throws Exception {
    String key = ctx.getCurrentKey();
    long now = ctx.currentProcessingTime();
    boolean applied =
        Quarantine.run(
            held -> apply(key, event, ctx.getBroadcastState(QUALITIES), ctx.timerService(), held),
            () -> cache.remove(key),
            out,
            failure -> letter(key, event, failure, now),
            ctx::output);
    if (applied) {
      seen.update(true);
    }
  }

  private void apply(
      String key,
      Either<AcceptedMeasurement, LatencyModelSnapshot> event,
      ReadOnlyBroadcastState<String, QualityEvaluation> qualities,
      TimerService timers,
      Collector<FrontierUpdate> out)
      throws Exception {
    long now = timers.currentProcessingTime();
    TargetFrontiers frontiers = frontiers(key, qualities);
    if (event.isLeft()) {
      AcceptedMeasurement m = event.left();
      Objective objective = m.objective();
      if (!frontiers.keeps(objective)) {
        return;
      }
      String arch = m.archId();
      String cell = arch + "|" + objective;
      List<Double> repeats = measured.get(cell);
      boolean newCell = repeats == null;
      int cells = newCell ? measuredCells() : 0;
      if (newCell && cells >= bounds.measuredCells()) {
        throw new StateLimitExceeded(
            "target "
                + key
                + " holds "
                + cells
                + " measured (architecture, objective) pairs, the most the job keeps per target");
      }
      // sized to fit: the heap backend keeps this list as it is, one per measured cell
      List<Double> held = repeats;
      repeats = new ArrayList<>(newCell ? 1 : held.size() + 1);
      if (!newCell) {
        repeats.addAll(held);
      }
      repeats.add(m.latencyMs());
      if (repeats.size() > TargetFrontiers.KEPT_REPEATS) {
        repeats.remove(0);
      }
      Staged staged =
          stage(
              key,
              frontiers,
              frontiers.addMeasured(arch, objective, m.latencyMs()),
              now,
              publishIntervalMs == 0);
      measured.put(cell, repeats);
      if (newCell) {
        measuredCells.update(cells + 1);
      }
      commit(staged, timers, out);
    } else {
      var latest = ModelSnapshots.model(event.right());
      if (latest.isEmpty()) {
        return;
      }
      long rerankFrom =
          pacing.nextMs(rerankedAt.get(key), (long) frontiers.evaluated() * objectives.size());
      if (now < rerankFrom) {
        // a target with many evaluations re-ranks at most once per gap: the model waits in state
        heldModel.update(event.right());
        if (rerankAt.value() == null) {
          timers.registerProcessingTimeTimer(rerankFrom);
          rerankAt.update(rerankFrom);
        }
      } else {
        // A model publishes at once, with everything pending: models come once per refit, and the
        // refit before a checkpoint barrier then brings the frontiers of every point the
        // checkpoint holds into it, instead of a timer putting them in the next one.
        applyModel(key, frontiers, latest.get(), now, timers, out);
      }
      if (!pending.isEmpty()) {
        flush(key, qualities, now, out);
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FrontierUpdate> out)
      throws Exception {
    Long rerankDue = rerankAt.value();
    if (rerankDue != null && rerankDue <= timestamp) {
      rerankAt.clear();
      rerank(ctx.getCurrentKey(), ctx.getBroadcastState(QUALITIES), timestamp, ctx, out);
    }
    Long publishDue = publishAt.value();
    if (publishDue == null ? !pending.isEmpty() : publishDue <= timestamp) {
      publishAt.clear();
      flush(ctx.getCurrentKey(), ctx.getBroadcastState(QUALITIES), timestamp, out);
    }
  }

  /**
   * Re-ranks with {@code latest} and publishes what it changed, with everything pending; then
   * rebuilds from state take it, and a held-back older one goes.
   */
  private void applyModel(
      String key,
      TargetFrontiers frontiers,
      AdditiveLatencyModel latest,
      long now,
      TimerService timers,
      Collector<FrontierUpdate> out)
      throws Exception {
    Staged staged = stage(key, frontiers, frontiers.setModel(latest), now, true);
    model.update(LatencyModelCodec.encode(latest));
    rerankedAt.put(key, now);
    heldModel.clear();
    // its timer is left to fire and find nothing: deleting it would also delete a publish timer
    // due the same millisecond (Flink keeps one timer per key and time)
    rerankAt.clear();
    commit(staged, timers, out);
  }

  /**
   * Re-ranks with the model held back, as if it came now: a model that fails goes to the DLQ and
   * the target keeps the one it had.
   */
  private void rerank(
      String key,
      ReadOnlyBroadcastState<String, QualityEvaluation> qualities,
      long now,
      OnTimerContext ctx,
      Collector<FrontierUpdate> out)
      throws Exception {
    LatencyModelSnapshot held = heldModel.value();
    heldModel.clear();
    if (held == null) {
      return;
    }
    Quarantine.run(
        collected -> {
          TargetFrontiers frontiers = frontiers(key, qualities);
          var latest = ModelSnapshots.model(held);
          if (latest.isPresent()) {
            applyModel(key, frontiers, latest.get(), now, ctx.timerService(), collected);
          }
        },
        () -> cache.remove(key),
        out,
        failure ->
            DeadLetters.thrown(
                Topics.LATENCY_MODELS, key, held, COMPONENT, operation(key), failure, now),
        ctx::output);
  }

  /** Publishes the updates of every pending objective of the current key. */
  private void flush(
      String key,
      ReadOnlyBroadcastState<String, QualityEvaluation> qualities,
      long now,
      Collector<FrontierUpdate> out)
      throws Exception {
    TargetFrontiers frontiers = frontiers(key, qualities);
    Set<String> names = new LinkedHashSet<>();
    pending.keys().forEach(names::add);
    List<FrontierUpdate> updates;
    try {
      updates = build(key, frontiers, names, Map.of(), now);
    } catch (RuntimeException e) {
      // every record behind these updates was checked when it came (its reference built); no one
      // record is to blame, so the target goes on and its next change publishes again
      log.warn("target {}: frontier updates {} failed: {}", key, names, e.toString());
      pending.clear();
      cache.remove(key);
      return;
    }
    pending.clear();
    publish(updates, out);
  }

  @Override
  public void processBroadcastElement(
      List<QualityEvaluation> batch, Context ctx, Collector<FrontierUpdate> out) throws Exception {
    long now = ctx.currentProcessingTime();
    BroadcastState<String, QualityEvaluation> qualities = ctx.getBroadcastState(QUALITIES);
    for (QualityEvaluation evaluation : batch) {
      String arch = evaluation.getCandidate().getArchId();
      boolean newArch = !qualities.contains(arch);
      if (newArch && evaluationsHeld(qualities) >= bounds.evaluations()) {
        ctx.output(
            DeadLetters.TAG,
            DeadLetters.thrown(
                Topics.QUALITY,
                arch,
                evaluation,
                COMPONENT,
                "evaluations",
                new StateLimitExceeded(
                    "the job holds "
                        + evaluationsHeld
                        + " architectures' evaluations, the most it keeps"),
                now));
        continue;
      }
      ctx.applyToKeyedState(
          SEEN,
          (key, state) ->
              Quarantine.run(
                  held -> {
                    TargetFrontiers frontiers = frontiers(key, qualities);
                    Staged staged =
                        stage(
                            key,
                            frontiers,
                            frontiers.add(Convert.fromAvro(evaluation)),
                            now,
                            false);
                    refused.remove(arch);
                    commit(staged, null, held); // pending: published below, or by the timer
                  },
                  () -> {
                    cache.remove(key);
                    refused.put(arch, evaluation);
                  },
                  out,
                  failure ->
                      DeadLetters.thrown(
                          Topics.QUALITY,
                          arch,
                          evaluation,
                          COMPONENT,
                          operation(key),
                          failure,
                          now),
                  ctx::output));
      // only now: frontiers rebuilt above (after a restore) must not hold it yet, or adding it
      // would change nothing and publish nothing
      qualities.put(arch, evaluation);
      if (newArch) {
        evaluationsHeld++;
      }
    }
    // a target with a timer set publishes the batch with its other changes; the others now
    ctx.applyToKeyedState(
        SEEN,
        (key, state) -> {
          if (publishAt.value() == null && !pending.isEmpty()) {
            flush(key, qualities, now, out);
          }
        });
  }

  /** How many (architecture, objective) pairs the current target holds; counted once if unknown. */
  private int measuredCells() throws Exception {
    Integer cells = measuredCells.value();
    if (cells == null) { // state of a version that did not count them
      int n = 0;
      for (String ignored : measured.keys()) {
        n++;
      }
      cells = n;
      measuredCells.update(n);
    }
    return cells;
  }

  /** How many architectures' evaluations the broadcast state holds; counted once per instance. */
  private int evaluationsHeld(BroadcastState<String, QualityEvaluation> qualities)
      throws Exception {
    if (evaluationsHeld == null) {
      int n = 0;
      for (var ignored : qualities.immutableEntries()) {
        n++;
      }
      evaluationsHeld = n;
    }
    return evaluationsHeld;
  }

  private static DeadLetter letter(
      String key,
      Either<AcceptedMeasurement, LatencyModelSnapshot> event,
      RuntimeException failure,
      long now) {
    return event.isLeft()
        ? DeadLetters.thrown(
            Topics.MEASUREMENTS.name(),
            key,
            event.left().encoded(),
            COMPONENT,
            operation(key),
            failure,
            now)
        : DeadLetters.thrown(
            Topics.LATENCY_MODELS, key, event.right(), COMPONENT, operation(key), failure, now);
  }

  private static String operation(String key) {
    return "frontiers of " + key;
  }

  /** How many times a target's frontiers were built from state, as the metric counts them. */
  long frontiersBuilt() {
    return built.getCount();
  }

  /** The target's frontiers: cached, or rebuilt from state (after a restore or a rescale). */
  private TargetFrontiers frontiers(
      String key, ReadOnlyBroadcastState<String, QualityEvaluation> qualities) throws Exception {
    TargetFrontiers cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    TargetFrontiers rebuilt = TargetFrontiers.of(key, objectives);
    for (var q : qualities.immutableEntries()) {
      // null: written under a schema this version cannot read (logged); the architecture goes
      // without an evaluation until a newer one arrives
      if (q.getValue() != null && !q.getValue().equals(refused.get(q.getKey()))) {
        rebuilt.add(Convert.fromAvro(q.getValue()));
      }
    }
    for (var cell : measured.entries()) {
      int bar = cell.getKey().indexOf('|');
      Objective objective = Objective.parse(cell.getKey().substring(bar + 1));
      for (double ms : cell.getValue()) {
        rebuilt.addMeasured(cell.getKey().substring(0, bar), objective, ms);
      }
    }
    byte[] bytes = model.value();
    if (bytes != null) {
      try {
        rebuilt.setModel(LatencyModelCodec.decode(bytes));
      } catch (IllegalArgumentException e) {
        // a model stored by an older version of the codec: the target's next refit replaces it
        log.warn(
            "target {}: dropped a stored model this version cannot read: {}", key, e.getMessage());
        model.clear();
      }
    }
    cache.put(key, rebuilt);
    built.inc();
    return rebuilt;
  }

  /**
   * What a record changed, checked and built before any state is written: the references of
   * objectives changed for the first time, and the updates to publish now (none when they wait for
   * the timer).
   */
  private record Staged(
      Set<String> changed, Map<String, double[]> references, List<FrontierUpdate> updates) {}

  /**
   * Checks what a record changed (a reference that is not finite throws, so the record goes to the
   * DLQ) and, when {@code publishNow}, builds the updates of it and of everything pending; touches
   * no state.
   */
  private Staged stage(
      String key, TargetFrontiers frontiers, Set<Objective> changed, long now, boolean publishNow)
      throws Exception {
    Set<String> names = new LinkedHashSet<>();
    Map<String, double[]> fresh = new HashMap<>();
    for (Objective objective : changed) {
      String name = objective.toString();
      names.add(name);
      if (!references.contains(name)) {
        fresh.put(name, reference(frontiers.frontier(objective).all()));
      }
    }
    if (names.isEmpty() || !publishNow) {
      return new Staged(names, fresh, List.of());
    }
    return new Staged(names, fresh, build(key, frontiers, withPending(names), fresh, now));
  }

  private Set<String> withPending(Set<String> names) throws Exception {
    Set<String> all = new LinkedHashSet<>();
    pending.keys().forEach(all::add);
    all.addAll(names);
    return all;
  }

  /**
   * Writes what {@link #stage} checked: the references, then either the updates (sent) or the
   * pending objectives and their timer. {@code timers} is null on the broadcast side, which sets
   * none.
   */
  private void commit(Staged staged, TimerService timers, Collector<FrontierUpdate> out)
      throws Exception {
    for (var r : staged.references().entrySet()) {
      references.put(r.getKey(), r.getValue());
    }
    if (staged.changed().isEmpty()) {
      return;
    }
    if (!staged.updates().isEmpty()) {
      pending.clear();
      publish(staged.updates(), out);
      return;
    }
    for (String name : staged.changed()) {
      pending.put(name, true);
    }
    if (timers != null && publishAt.value() == null) {
      long at = timers.currentProcessingTime() + publishIntervalMs;
      timers.registerProcessingTimeTimer(at);
      publishAt.update(at);
    }
  }

  /** Twice the worst latency and quality of the points; throws when that is not finite. */
  private static double[] reference(List<FrontierPoint> all) {
    ReferencePoint beyond = ReferencePoint.beyond(all);
    double[] reference = {beyond.latencyMs() / 1.1 * 2, beyond.quality() / 1.1 * 2};
    new ReferencePoint(reference[0], reference[1]); // checks it is finite and positive
    return reference;
  }

  /** The updates of the named objectives; builds them without touching state. */
  private List<FrontierUpdate> build(
      String key,
      TargetFrontiers frontiers,
      Set<String> names,
      Map<String, double[]> fresh,
      long now)
      throws Exception {
    List<FrontierUpdate> updates = new ArrayList<>();
    WirePoints wire = wired.take(key);
    for (String name : names) {
      double[] reference = fresh.containsKey(name) ? fresh.get(name) : references.get(name);
      Long version = versions.get(name);
      updates.add(
          FrontierUpdates.of(
              key,
              frontiers,
              Objective.parse(name),
              version == null ? 1 : version + 1,
              new ReferencePoint(reference[0], reference[1]),
              Instant.ofEpochMilli(now),
              wire));
    }
    wired.put(key, wire);
    return updates;
  }

  /** Notes each update's version in state and sends it. */
  private void publish(List<FrontierUpdate> updates, Collector<FrontierUpdate> out)
      throws Exception {
    for (FrontierUpdate u : updates) {
      versions.put(u.getObjective(), u.getVersion());
      out.collect(u);
    }
  }
}
