package dev.hilnas.core.frontier;

import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.Statistics;
import dev.hilnas.core.latency.LatencyModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Pairs quality evaluations with latency on one target and objective: the measured latency (median
 * of the newest {@value TargetFrontiers#KEPT_REPEATS} repeats, as {@link TargetFrontiers} keeps
 * them) where the candidate was timed for the objective's phase and context, else the model's
 * prediction, marked as such.
 *
 * @param frontier every paired point and its Pareto frontier
 * @param withoutLatency evaluations that could not be paired: not measured, and no model
 * @param otherWidth evaluations left out for their weights' width, which the target does not run
 */
public record FrontierAssembly(Frontier frontier, int withoutLatency, int otherWidth) {

  /**
   * @param measurements of one target
   * @param model that target's model, or null
   */
  public static FrontierAssembly of(
      List<Measurement> measurements,
      List<Quality> qualities,
      Objective objective,
      LatencyModel model) {
    return of(measurements, qualities, objective, model, OptionalInt.empty());
  }

  /**
   * @param weightBits the width the target's precision names ({@link
   *     dev.hilnas.core.HardwareTarget#weightBits}): evaluations of other widths are left out, as
   *     {@link TargetFrontiers} leaves them
   */
  public static FrontierAssembly of(
      List<Measurement> measurements,
      List<Quality> qualities,
      Objective objective,
      LatencyModel model,
      OptionalInt weightBits) {
    Map<String, List<Double>> measured = new LinkedHashMap<>();
    for (Measurement m : measurements) {
      if (m.objective().equals(objective)) {
        measured.computeIfAbsent(m.candidate().archId(), k -> new ArrayList<>()).add(m.latencyMs());
      }
    }
    Map<String, Quality> latest = new LinkedHashMap<>();
    Map<String, Quality> otherWidth = new LinkedHashMap<>();
    for (Quality q : qualities) {
      (TargetFrontiers.runs(weightBits, q.candidate()) ? latest : otherWidth)
          .put(q.candidate().archId(), q);
    }
    Frontier frontier = new Frontier();
    int without = 0;
    for (var e : latest.entrySet()) {
      Quality q = e.getValue();
      List<Double> all = measured.get(e.getKey());
      if (all != null) {
        List<Double> times =
            all.subList(Math.max(0, all.size() - TargetFrontiers.KEPT_REPEATS), all.size());
        frontier.put(
            new FrontierPoint(
                e.getKey(),
                q.candidateId(),
                Statistics.median(times),
                LatencySource.MEASURED,
                q.value(),
                times.size()));
      } else if (model != null && model.covers(objective.phase())) {
        double ms = model.predictMs(q.candidate(), objective.phase(), objective.contextLength());
        frontier.put(
            new FrontierPoint(e.getKey(), q.candidateId(), ms, LatencySource.PREDICTED, q.value()));
      } else {
        without++;
      }
    }
    return new FrontierAssembly(frontier, without, otherWidth.size());
  }
}
