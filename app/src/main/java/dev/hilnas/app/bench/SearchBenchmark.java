package dev.hilnas.app.bench;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.search.Proposal;
import dev.hilnas.core.search.SearchBook;
import dev.hilnas.core.search.SearchLoop;
import dev.hilnas.core.search.SearchSpace;
import dev.hilnas.core.search.SearchStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Hypervolume against the number of real measurements for three search strategies over the same
 * space, each driving the production {@link SearchLoop}: hilnas (latency model + quality predictor
 * + optimistic hypervolume gain), random search, and steady-state NSGA-II from MOEA Framework
 * without a surrogate. The benchmark plays the rest of the pipeline: one agent keeps {@link
 * #IN_FLIGHT} requests, each "measured" at once by asking the oracles — a fixed latency function
 * and the evaluator's perplexity (each architecture scored once per run, shared by all searches) —
 * and, as the job would publish them, a latency model refitted on every measurement and the
 * frontier of all of them. The reference front is the best front any search found.
 */
public final class SearchBenchmark {

  /** Requests the one agent keeps in flight: the batch a step proposes. */
  static final int IN_FLIGHT = 4;

  private static final String TARGET = "bench";
  private static final Objective OBJECTIVE = Objective.parse("PREFILL@256");

  /**
   * Where each strategy's seeds start: as before the searches shared one loop, so figures compare.
   */
  private static final Map<String, Integer> SEEDS =
      Map.of("random", 1000, "hilnas", 2000, "nsga2", 3000);

  /** A search's hypervolume after each distinct measurement, per seed. */
  public record Curve(String method, List<double[]> perSeed) {}

  public record Result(List<Curve> curves, double referenceHypervolume, ReferencePoint reference) {}

  /** What a measurement of a candidate returns. */
  public record Oracle(
      ToDoubleFunction<Candidate> latencyMs, ToDoubleFunction<Candidate> perplexity) {}

  private SearchBenchmark() {}

  /**
   * @param worstQuality the reference box's quality side: a pruning worse than this counts for
   *     nothing (the bench passes the unigram perplexity of the scored bytes: such a model has
   *     learnt nothing but byte frequencies). Its latency side is 10% beyond the backbone's.
   */
  public static Result run(
      SearchSpace space,
      Oracle oracle,
      double worstQuality,
      int budget,
      int seeds,
      Runnable progress) {
    Map<String, double[]> cache = new HashMap<>();
    Oracle cached =
        new Oracle(
            oracle.latencyMs(),
            c ->
                cache
                    .computeIfAbsent(
                        c.archId(), id -> new double[] {oracle.perplexity().applyAsDouble(c)})[0]);
    ReferencePoint reference =
        new ReferencePoint(1.1 * oracle.latencyMs().applyAsDouble(space.backbone()), worstQuality);
    Map<String, List<List<FrontierPoint>>> measured = new LinkedHashMap<>();
    for (String method : SearchStrategy.NAMES) {
      List<List<FrontierPoint>> runs = new ArrayList<>();
      for (int seed = 0; seed < seeds; seed++) {
        runs.add(
            search(
                SearchStrategy.named(method, space),
                cached,
                reference,
                budget,
                SEEDS.get(method) + seed));
        progress.run();
      }
      measured.put(method, runs);
    }
    Frontier best = new Frontier();
    measured.values().forEach(runs -> runs.forEach(run -> run.forEach(best::put)));
    List<Curve> curves = new ArrayList<>();
    measured.forEach(
        (method, runs) -> {
          List<double[]> perSeed = new ArrayList<>();
          for (List<FrontierPoint> run : runs) {
            Frontier f = new Frontier();
            double[] hv = new double[run.size()];
            for (int i = 0; i < run.size(); i++) {
              f.put(run.get(i));
              hv[i] = f.hypervolume(reference);
            }
            perSeed.add(hv);
          }
          curves.add(new Curve(method, perSeed));
        });
    return new Result(curves, best.hypervolume(reference), reference);
  }

  /**
   * Measurements until a seed's hypervolume reaches the fraction of the reference, or -1 if it
   * never does.
   */
  public static int measurementsTo(double[] curve, double target) {
    for (int i = 0; i < curve.length; i++) {
      if (curve[i] >= target) {
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * The loop's proposals measured at once, until the budget is spent, in measurement order. The
   * loop scores gains inside the benchmark's reference box, as the pipeline's search does inside
   * its frontier's fixed reference. The clock moves a second per step; nothing stays pending long.
   */
  private static List<FrontierPoint> search(
      SearchStrategy strategy, Oracle oracle, ReferencePoint reference, int budget, long seed) {
    SearchLoop loop =
        new SearchLoop(
            strategy,
            new SearchLoop.Settings(
                Map.of(TARGET, 1),
                1,
                IN_FLIGHT,
                Duration.ofHours(1),
                1, // the oracle never fails
                Map.of(),
                List.of(OBJECTIVE)),
            seed);
    List<FrontierPoint> out = new ArrayList<>();
    Map<String, Candidate> candidates = new HashMap<>();
    Frontier frontier = new Frontier();
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    AdditiveLatencyModel model = null;
    for (long step = 0; out.size() < budget; step++) {
      List<Proposal> batch = loop.step(step * 1000);
      if (batch.isEmpty()) {
        break;
      }
      for (Proposal p : batch.subList(0, Math.min(batch.size(), budget - out.size()))) {
        Candidate c = p.candidate();
        FrontierPoint point =
            new FrontierPoint(
                c.archId(),
                null,
                oracle.latencyMs().applyAsDouble(c),
                LatencySource.MEASURED,
                oracle.perplexity().applyAsDouble(c));
        candidates.put(c.archId(), c);
        out.add(point);
        frontier.put(point);
        trainer.add(c, OBJECTIVE.phase(), OBJECTIVE.contextLength(), point.latencyMs());
      }
      model = model == null ? trainer.fit().orElseThrow() : trainer.refit(model).orElseThrow();
      loop.model(TARGET, model);
      loop.frontier(
          TARGET,
          OBJECTIVE,
          frontier.all().stream()
              .map(
                  p ->
                      new SearchBook.Point(
                          candidates.get(p.archId()), p.latencyMs(), p.source(), p.quality()))
              .toList(),
          reference);
    }
    return out;
  }

  /** The oracle latency: a model fitted once on real measurements, then fixed. */
  public static ToDoubleFunction<Candidate> latencyOracle(
      List<Measurement> measurements, Objective objective) {
    AdditiveLatencyModel model = LatencyModelTrainer.fit(measurements).orElseThrow();
    return c -> model.predictMs(c, objective.phase(), objective.contextLength());
  }
}
