package dev.hilnas.streams;

import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.core.latency.LatencyModelCodec;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.QualityEvaluation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Keyed by target id: keeps the target's frontiers ({@link TargetFrontiers} from {@code core}) up
 * to date as its measurements and model refits arrive on the keyed side and quality evaluations
 * (which hold for every target) arrive broadcast, and publishes a {@link FrontierUpdate} for every
 * (target, objective) whose frontier changed.
 *
 * <p>Flink state holds the inputs — measured repeats per (architecture, objective), the latest
 * model, the evaluations — and the frontiers are derived from them, kept in a per-instance cache
 * that is rebuilt from state after a restore. The hypervolume reference of a (target, objective) is
 * fixed at its first publication: twice the worst latency and quality then.
 */
final class UpdateFrontiers
    extends KeyedBroadcastProcessFunction<
        String,
        Either<LatencyMeasurement, LatencyModelSnapshot>,
        QualityEvaluation,
        FrontierUpdate> {

  static final MapStateDescriptor<String, QualityEvaluation> QUALITIES =
      new MapStateDescriptor<>(
          "qualities", Types.STRING, new AvroTypeInfo<>(QualityEvaluation.class));

  private static final ValueStateDescriptor<Boolean> SEEN =
      new ValueStateDescriptor<>("seen", Types.BOOLEAN);

  private final List<String> objectiveNames;
  private transient List<Objective> objectives;
  private transient ValueState<Boolean> seen;
  private transient MapState<String, List<Double>> measured; // "archId|objective" -> newest repeats
  private transient ValueState<byte[]> model;
  private transient MapState<String, Long> versions;
  private transient MapState<String, double[]> references;
  private transient Map<String, TargetFrontiers> cache;

  UpdateFrontiers(List<Objective> objectives) {
    this.objectiveNames = objectives.stream().map(Objective::toString).toList();
  }

  @Override
  public void open(OpenContext context) {
    objectives = objectiveNames.stream().map(Objective::parse).toList();
    seen = getRuntimeContext().getState(SEEN);
    measured =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("measured", Types.STRING, Types.LIST(Types.DOUBLE)));
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
    cache = new HashMap<>();
  }

  @Override
  public void processElement(
      Either<LatencyMeasurement, LatencyModelSnapshot> event,
      ReadOnlyContext ctx,
      Collector<FrontierUpdate> out)
      throws Exception {
    seen.update(true);
    String key = ctx.getCurrentKey();
    TargetFrontiers frontiers = frontiers(key, ctx.getBroadcastState(QUALITIES));
    Set<Objective> changed;
    if (event.isLeft()) {
      LatencyMeasurement m = event.left();
      Objective objective = new Objective(Phase.valueOf(m.getPhase().name()), m.getContextLength());
      if (!frontiers.keeps(objective)) {
        return;
      }
      String arch = m.getCandidate().getArchId();
      String cell = arch + "|" + objective;
      List<Double> repeats = measured.get(cell);
      repeats = repeats == null ? new ArrayList<>() : new ArrayList<>(repeats);
      repeats.add(m.getLatencyMs());
      if (repeats.size() > TargetFrontiers.KEPT_REPEATS) {
        repeats.remove(0);
      }
      measured.put(cell, repeats);
      changed = frontiers.addMeasured(arch, objective, m.getLatencyMs());
    } else {
      var latest = ModelSnapshots.model(event.right());
      if (latest.isEmpty()) {
        return;
      }
      model.update(LatencyModelCodec.encode(latest.get()));
      changed = frontiers.setModel(latest.get());
    }
    publish(key, frontiers, changed, ctx.currentProcessingTime(), out);
  }

  @Override
  public void processBroadcastElement(
      QualityEvaluation evaluation, Context ctx, Collector<FrontierUpdate> out) throws Exception {
    ctx.getBroadcastState(QUALITIES).put(evaluation.getCandidate().getArchId(), evaluation);
    var quality = Convert.fromAvro(evaluation);
    long now = ctx.currentProcessingTime();
    var broadcast = ctx.getBroadcastState(QUALITIES);
    ctx.applyToKeyedState(
        SEEN,
        (key, state) -> {
          TargetFrontiers frontiers = frontiers(key, broadcast);
          publish(key, frontiers, frontiers.add(quality), now, out);
        });
  }

  /** The target's frontiers: cached, or rebuilt from state (after a restore or a rescale). */
  private TargetFrontiers frontiers(
      String key, ReadOnlyBroadcastState<String, QualityEvaluation> qualities) throws Exception {
    TargetFrontiers cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    TargetFrontiers rebuilt = new TargetFrontiers(objectives);
    for (var q : qualities.immutableEntries()) {
      rebuilt.add(Convert.fromAvro(q.getValue()));
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
      rebuilt.setModel(LatencyModelCodec.decode(bytes));
    }
    cache.put(key, rebuilt);
    return rebuilt;
  }

  private void publish(
      String key,
      TargetFrontiers frontiers,
      Set<Objective> changed,
      long now,
      Collector<FrontierUpdate> out)
      throws Exception {
    for (Objective objective : changed) {
      String name = objective.toString();
      double[] reference = references.get(name);
      if (reference == null) {
        List<FrontierPoint> all = frontiers.frontier(objective).all();
        ReferencePoint beyond = ReferencePoint.beyond(all);
        reference = new double[] {beyond.latencyMs() / 1.1 * 2, beyond.quality() / 1.1 * 2};
        references.put(name, reference);
      }
      Long version = versions.get(name);
      long next = version == null ? 1 : version + 1;
      versions.put(name, next);
      out.collect(
          FrontierUpdates.of(
              key,
              frontiers,
              objective,
              next,
              new ReferencePoint(reference[0], reference[1]),
              Instant.ofEpochMilli(now)));
    }
  }
}
