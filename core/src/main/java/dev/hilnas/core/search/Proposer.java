package dev.hilnas.core.search;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.LatencyPrediction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Picks which prunings of the backbone to measure next on one target. It scores a pool of random
 * prunings and mutations of the frontier's candidates with the target's latency model and the
 * quality predictor, by the hypervolume their optimistic point would add — a tenth of the way to
 * the low end of the latency interval, a tenth of a deviation better quality — summed over the
 * target's objectives, each relative to its reference box. So it measures where the frontier could
 * move and the models are unsure. A batch is chosen greedily, each pick added to the frontiers at
 * its predicted point before the next ("kriging believer"), so one batch does not pile onto one
 * spot. The {@link HilnasStrategy}'s choice; immutable.
 */
final class Proposer {

  /** Candidates scored per proposal round: cheap (millions of predictions per second). */
  static final int POOL = 4000;

  /**
   * How optimistic a candidate's point is, in standard deviations of quality and fractions of the
   * latency interval's lower half. Measured with {@code bench search}'s oracles (5 seeds, share of
   * the best front ever found): measurements to reach 99% were 60 on average with 0.1, 63 with 0,
   * never within 100 with 0.5 or 1 (too much exploring). Expected hypervolume improvement over the
   * quality's distribution did worse than 0.1 too (81).
   */
  static final double KAPPA = 0.1;

  private final SearchSpace space;

  Proposer(SearchSpace space) {
    this.space = space;
  }

  /**
   * @param excluded arch ids already requested or measured, never proposed again
   * @param count how many to propose (the target's free measurement capacity)
   */
  List<Proposal> propose(
      TargetView target,
      QualityPredictor quality,
      Set<String> excluded,
      int count,
      SplittableRandom random) {
    if (count <= 0) {
      return List.of();
    }
    List<Candidate> pool = pool(target, excluded, random);
    List<Proposal> chosen = new ArrayList<>();
    if (target.model() == null || (target.frontiers().isEmpty() && target.objectives().isEmpty())) {
      for (Candidate c : pool.subList(0, Math.min(count, pool.size()))) {
        chosen.add(
            new Proposal(c, target.targetId(), "explore: no latency model or frontier yet", 0));
      }
      return chosen;
    }
    if (target.frontiers().isEmpty()) {
      return leastCertain(target, pool, count);
    }
    Map<Objective, TargetView.Front> fronts = new LinkedHashMap<>();
    target
        .frontiers()
        .forEach(
            (o, f) ->
                fronts.put(
                    o, new TargetView.Front(Frontier.of(f.frontier().points()), f.reference())));
    Map<Candidate, Map<Objective, LatencyPrediction>> latency = new HashMap<>();
    Map<Candidate, QualityPredictor.Prediction> predicted = new HashMap<>();
    for (Candidate c : pool) {
      Map<Objective, LatencyPrediction> byObjective =
          predict(target, target.frontiers().keySet(), c);
      if (byObjective != null) {
        latency.put(c, byObjective);
        predicted.put(c, quality.predict(c));
      }
    }
    List<Candidate> remaining = new ArrayList<>(latency.keySet());
    remaining.sort(
        Comparator.comparing(Candidate::archId)); // a HashMap's order must not leak into picks
    while (chosen.size() < count && !remaining.isEmpty()) {
      Candidate best = null;
      double bestScore = -1;
      for (Candidate c : remaining) {
        double score = score(fronts, latency.get(c), predicted.get(c));
        if (score > bestScore) {
          best = c;
          bestScore = score;
        }
      }
      remaining.remove(best);
      QualityPredictor.Prediction q = predicted.get(best);
      String reason =
          bestScore > 0
              ? String.format(
                  "hypervolume gain %.4f (optimistic), perplexity %.2f ± %.0f%%",
                  bestScore, q.perplexity(), 100 * (Math.exp(q.logSigma()) - 1))
              : "explore: no candidate can improve the frontier";
      chosen.add(new Proposal(best, target.targetId(), reason, bestScore));
      for (var e : fronts.entrySet()) { // believe the pick lands at its predicted point
        LatencyPrediction p = latency.get(best).get(e.getKey());
        e.getValue()
            .frontier()
            .put(
                new FrontierPoint(
                    best.archId(), null, p.latencyMs(), LatencySource.PREDICTED, q.perplexity()));
      }
    }
    return chosen;
  }

  /**
   * Without a frontier the search learns the latency model (MobileLLM-Flash's first step): the
   * candidates whose predicted latency is least certain — the widest interval relative to the
   * prediction, averaged over the objectives.
   */
  private static List<Proposal> leastCertain(TargetView target, List<Candidate> pool, int count) {
    Map<Candidate, Double> width = new HashMap<>();
    for (Candidate c : pool) {
      Map<Objective, LatencyPrediction> p = predict(target, target.objectives(), c);
      if (p != null) {
        width.put(
            c,
            p.values().stream()
                .mapToDouble(l -> (l.highMs() - l.lowMs()) / l.latencyMs())
                .average()
                .orElse(0));
      }
    }
    return width.entrySet().stream()
        .sorted(
            Map.Entry.<Candidate, Double>comparingByValue()
                .reversed()
                .thenComparing(e -> e.getKey().archId()))
        .limit(count)
        .map(
            e ->
                new Proposal(
                    e.getKey(),
                    target.targetId(),
                    String.format(
                        "latency model unsure: interval ±%.0f%% of the prediction",
                        50 * e.getValue()),
                    e.getValue()))
        .toList();
  }

  /** Latency per objective, or null when the model cannot predict it or it breaks a budget. */
  private static Map<Objective, LatencyPrediction> predict(
      TargetView target, java.util.Collection<Objective> objectives, Candidate c) {
    Map<Objective, LatencyPrediction> out = new HashMap<>();
    for (Objective o : objectives) {
      if (!target.model().covers(o.phase())) {
        return null;
      }
      LatencyPrediction p = target.model().predict(c, o.phase(), o.contextLength());
      Double budget = target.budgetsMs().get(o);
      if (budget != null && p.latencyMs() > budget) {
        return null;
      }
      out.put(o, p);
    }
    return out;
  }

  private static double score(
      Map<Objective, TargetView.Front> fronts,
      Map<Objective, LatencyPrediction> latency,
      QualityPredictor.Prediction q) {
    double total = 0;
    for (var e : fronts.entrySet()) {
      ReferencePoint ref = e.getValue().reference();
      LatencyPrediction p = latency.get(e.getKey());
      double optimisticQuality = Math.exp(q.logMean() - KAPPA * q.logSigma());
      double optimisticLatency = p.latencyMs() - KAPPA * (p.latencyMs() - p.lowMs());
      total +=
          HypervolumeImprovement.of(
                  e.getValue().frontier().points(), ref, optimisticLatency, optimisticQuality)
              / (ref.latencyMs() * ref.quality());
    }
    return total;
  }

  /**
   * The backbone first, then mutations of the frontiers' candidates and random prunings, new ones
   * only.
   */
  private List<Candidate> pool(TargetView target, Set<String> excluded, SplittableRandom random) {
    Map<String, Candidate> pool = new LinkedHashMap<>();
    Candidate backbone = space.backbone();
    if (!excluded.contains(backbone.archId()) && space.allows(backbone)) {
      pool.put(backbone.archId(), backbone);
    }
    // a frontier may hold candidates from elsewhere (imported, other backbones): only prunings of
    // this backbone can be mutated into prunings of it
    List<Candidate> parents = target.parents().stream().filter(space::allows).toList();
    for (int tries = 0; pool.size() < POOL && tries < POOL * 3; tries++) {
      Candidate c;
      if (parents.isEmpty() || random.nextBoolean()) {
        c = space.random(random);
      } else {
        c = parents.get(random.nextInt(parents.size()));
        for (int steps = 1 + random.nextInt(3); steps > 0; steps--) {
          c = space.mutate(c, random);
        }
      }
      if (!excluded.contains(c.archId()) && space.allows(c)) {
        pool.putIfAbsent(c.archId(), c);
      }
    }
    return new ArrayList<>(pool.values());
  }
}
