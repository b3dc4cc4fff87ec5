package dev.hilnas.app.bench;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.search.Proposer;
import dev.hilnas.core.search.QualityPredictor;
import dev.hilnas.core.search.SearchSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.moeaframework.algorithm.NSGAII;
import org.moeaframework.core.Solution;
import org.moeaframework.core.variable.EncodingUtils;
import org.moeaframework.problem.AbstractProblem;

/**
 * Hypervolume against the number of real measurements for three searches over the same space:
 * hilnas (latency model + quality predictor + optimistic hypervolume gain, batches of 4), random
 * search, and NSGA-II from MOEA Framework without a surrogate. "Measuring" a candidate asks the
 * oracles: a fixed latency function and the evaluator's perplexity (each architecture scored once
 * per run, shared by all searches). The reference front is the best front any search found.
 */
public final class SearchBenchmark {

  static final int BATCH = 4;

  /** A search's hypervolume after each distinct measurement, per seed. */
  public record Curve(String method, List<double[]> perSeed) {}

  public record Result(List<Curve> curves, double referenceHypervolume, ReferencePoint reference) {}

  /** What a measurement of a candidate returns. */
  public record Oracle(ToDoubleFunction<Candidate> latencyMs, ToDoubleFunction<Candidate> perplexity) {}

  private SearchBenchmark() {}

  /**
   * @param worstQuality the reference box's quality side: a pruning worse than this counts for
   *     nothing (the bench passes the unigram perplexity of the scored bytes: such a model has
   *     learnt nothing but byte frequencies). Its latency side is 10% beyond the backbone's.
   */
  public static Result run(SearchSpace space, Oracle oracle, double worstQuality, int budget, int seeds, Runnable progress) {
    Map<String, double[]> cache = new HashMap<>();
    Oracle cached = new Oracle(oracle.latencyMs(), c -> cache.computeIfAbsent(c.archId(),
        id -> new double[] {oracle.perplexity().applyAsDouble(c)})[0]);
    ReferencePoint reference = new ReferencePoint(1.1 * oracle.latencyMs().applyAsDouble(space.backbone()), worstQuality);
    Map<String, List<List<FrontierPoint>>> measured = new LinkedHashMap<>();
    for (String method : List.of("hilnas", "random", "nsga2")) {
      List<List<FrontierPoint>> runs = new ArrayList<>();
      for (int seed = 0; seed < seeds; seed++) {
        runs.add(switch (method) {
          case "hilnas" -> hilnas(space, cached, reference, budget, seed);
          case "random" -> random(space, cached, budget, seed);
          default -> nsga2(space, cached, budget, seed);
        });
        progress.run();
      }
      measured.put(method, runs);
    }
    Frontier best = new Frontier();
    measured.values().forEach(runs -> runs.forEach(run -> run.forEach(best::put)));
    List<Curve> curves = new ArrayList<>();
    measured.forEach((method, runs) -> {
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

  /** Measurements until a seed's hypervolume reaches the fraction of the reference, or -1 if it never does. */
  public static int measurementsTo(double[] curve, double target) {
    for (int i = 0; i < curve.length; i++) {
      if (curve[i] >= target) {
        return i + 1;
      }
    }
    return -1;
  }

  private static FrontierPoint point(Candidate c, Oracle oracle) {
    return new FrontierPoint(c.archId(), null, oracle.latencyMs().applyAsDouble(c), LatencySource.MEASURED,
        oracle.perplexity().applyAsDouble(c));
  }

  private static List<FrontierPoint> random(SearchSpace space, Oracle oracle, int budget, int seed) {
    SplittableRandom r = new SplittableRandom(1000 + seed);
    Map<String, FrontierPoint> out = new LinkedHashMap<>();
    while (out.size() < budget) {
      Candidate c = space.random(r);
      if (space.allows(c) && !out.containsKey(c.archId())) {
        out.put(c.archId(), point(c, oracle));
      }
    }
    return new ArrayList<>(out.values());
  }

  /**
   * The proposer scores gains inside the benchmark's reference box, as the pipeline's search scores
   * them inside its frontier's fixed reference.
   */
  private static List<FrontierPoint> hilnas(SearchSpace space, Oracle oracle, ReferencePoint reference, int budget, int seed) {
    SplittableRandom r = new SplittableRandom(2000 + seed);
    Proposer proposer = new Proposer(space);
    Objective objective = Objective.parse("PREFILL@256");
    Map<String, Candidate> candidates = new LinkedHashMap<>();
    List<FrontierPoint> out = new ArrayList<>();
    List<QualityPredictor.Evaluated> evaluated = new ArrayList<>();
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    AdditiveLatencyModel model = null;
    Frontier frontier = new Frontier();
    while (out.size() < budget) {
      Map<Objective, Proposer.Front> fronts = out.isEmpty() ? Map.of()
          : Map.of(objective, new Proposer.Front(frontier, reference));
      List<Candidate> parents = frontier.points().stream().map(p -> candidates.get(p.archId())).toList();
      var target = new Proposer.Target("bench", model, fronts, parents, Map.of(), List.of(objective));
      var picks = proposer.propose(target, QualityPredictor.fit(space.backbone(), evaluated), candidates.keySet(),
          Math.min(BATCH, budget - out.size()), r);
      if (picks.isEmpty()) {
        break;
      }
      for (var p : picks) {
        Candidate c = p.candidate();
        FrontierPoint point = point(c, oracle);
        candidates.put(c.archId(), c);
        out.add(point);
        frontier.put(point);
        evaluated.add(new QualityPredictor.Evaluated(c, point.quality()));
        trainer.add(c, objective.phase(), objective.contextLength(), point.latencyMs());
      }
      model = model == null ? trainer.fit().orElseThrow() : trainer.refit(model).orElseThrow();
    }
    return out;
  }

  /** NSGA-II over an integer encoding of the same space; counts distinct architectures measured. */
  private static List<FrontierPoint> nsga2(SearchSpace space, Oracle oracle, int budget, int seed) {
    org.moeaframework.core.PRNG.setSeed(3000 + seed);
    Map<String, FrontierPoint> out = new LinkedHashMap<>();
    Candidate backbone = space.backbone();
    LayerSpec full = backbone.layers().get(0);
    int layers = backbone.layerCount();
    AbstractProblem problem = new AbstractProblem(5 + 2 * layers, 2) {
      @Override
      public Solution newSolution() {
        Solution s = new Solution(getNumberOfVariables(), 2);
        s.setVariable(0, EncodingUtils.newInt(space.minLayers(), layers));
        s.setVariable(1, EncodingUtils.newInt(1, full.nKvHeads()));
        s.setVariable(2, EncodingUtils.newInt(1, full.nHeads() / full.nKvHeads()));
        s.setVariable(3, EncodingUtils.newInt(0, space.windows().size() - 1));
        s.setVariable(4, EncodingUtils.newInt(0, space.weightBits().size() - 1));
        for (int i = 0; i < layers; i++) {
          s.setVariable(5 + i, EncodingUtils.newInt(0, space.ffnWidths().size() - 1));
          s.setVariable(5 + layers + i, EncodingUtils.newInt(0, 2));
        }
        return s;
      }

      @Override
      public void evaluate(Solution s) {
        Candidate c = decode(space, s);
        FrontierPoint p = out.get(c.archId());
        if (p == null && out.size() < budget) {
          p = point(c, oracle);
          out.put(c.archId(), p);
        }
        s.setObjective(0, p == null ? Double.MAX_VALUE : p.latencyMs());
        s.setObjective(1, p == null ? Double.MAX_VALUE : p.quality());
      }
    };
    NSGAII nsga = new NSGAII(problem);
    nsga.setInitialPopulationSize(20);
    for (int steps = 0; out.size() < budget && steps < 100_000; steps++) {
      nsga.step();
    }
    return new ArrayList<>(out.values());
  }

  static Candidate decode(SearchSpace space, Solution s) {
    Candidate backbone = space.backbone();
    int slots = backbone.layerCount(); // attention kinds follow one FFN width per backbone layer
    int layers = EncodingUtils.getInt(s.getVariable(0));
    int kv = EncodingUtils.getInt(s.getVariable(1));
    int group = EncodingUtils.getInt(s.getVariable(2));
    int window = space.windows().get(EncodingUtils.getInt(s.getVariable(3)));
    int bits = space.weightBits().get(EncodingUtils.getInt(s.getVariable(4)));
    List<LayerSpec> specs = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      AttentionKind kind = i == 0 ? AttentionKind.GLOBAL : AttentionKind.values()[EncodingUtils.getInt(s.getVariable(5 + slots + i))];
      specs.add(new LayerSpec(kind, kv * group, kv, space.ffnWidths().get(EncodingUtils.getInt(s.getVariable(5 + i)))));
    }
    return new Candidate(backbone.vocabSize(), backbone.dModel(), backbone.headDim(), window, bits, specs);
  }

  /** The oracle latency: a model fitted once on real measurements, then fixed. */
  public static ToDoubleFunction<Candidate> latencyOracle(List<Measurement> measurements, Objective objective) {
    AdditiveLatencyModel model = LatencyModelTrainer.fit(measurements).orElseThrow();
    return c -> model.predictMs(c, objective.phase(), objective.contextLength());
  }
}
