package dev.hilnas.core.search;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.LatencySource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.moeaframework.core.NondominatedSortingPopulation;
import org.moeaframework.core.PRNG;
import org.moeaframework.core.Selection;
import org.moeaframework.core.Solution;
import org.moeaframework.core.Variation;
import org.moeaframework.core.comparator.ChainedComparator;
import org.moeaframework.core.comparator.CrowdingComparator;
import org.moeaframework.core.comparator.ParetoDominanceComparator;
import org.moeaframework.core.operator.CompoundVariation;
import org.moeaframework.core.operator.real.PM;
import org.moeaframework.core.operator.real.SBX;
import org.moeaframework.core.selection.TournamentSelection;

/**
 * NSGA-II (MOEA Framework's operators, no surrogate) as a steady-state (μ+λ) search that works
 * while results arrive later: each call rebuilds the population from what is measured — the
 * candidates measured on every objective of the target, truncated to {@link #POPULATION} by
 * non-dominated rank and crowding distance — and breeds the proposals from it by binary tournament,
 * SBX and polynomial mutation over {@link PruningEncoding}. Objectives: the latency of each of the
 * target's objectives and the perplexity, all minimised. Until a population is measured it proposes
 * random solutions, as NSGA-II's initialisation does.
 *
 * <p>MOEA Framework draws from one global PRNG: each call seeds it from the caller's random, so the
 * proposals are a function of the seed — and two NSGA-II searches must not run on two threads at
 * once. Stateless otherwise.
 */
public final class Nsga2Strategy implements SearchStrategy {

  /** The population NSGA-II breeds from, and the random solutions measured before it does. */
  static final int POPULATION = 20;

  /**
   * Offspring (or random solutions) per proposal before giving up: a converged population breeds
   * copies.
   */
  static final int TRIES = 100;

  private final SearchSpace space;
  private final PruningEncoding encoding;
  private final Selection selection =
      new TournamentSelection(
          2, new ChainedComparator(new ParetoDominanceComparator(), new CrowdingComparator()));
  private final Variation variation;

  public Nsga2Strategy(SearchSpace space) {
    this.space = space;
    this.encoding = new PruningEncoding(space);
    // MOEA Framework's defaults for real variables: SBX, then PM at one variable per solution
    this.variation = new CompoundVariation(new SBX(), new PM(1.0 / encoding.variables(), 20));
  }

  @Override
  public SearchStrategy withWeightBits(int bits) {
    return new Nsga2Strategy(space.withWeightBits(bits));
  }

  @Override
  public List<Proposal> propose(
      TargetView view, Set<String> excluded, int count, SplittableRandom random) {
    PRNG.setSeed(random.nextLong());
    List<Objective> objectives = List.copyOf(view.frontiers().keySet());
    NondominatedSortingPopulation population = new NondominatedSortingPopulation();
    for (QualityPredictor.Evaluated e : view.evaluated()) {
      measured(view, objectives, e).ifPresent(population::add);
    }
    boolean breeding = population.size() >= POPULATION;
    population.truncate(POPULATION);
    List<Proposal> out = new ArrayList<>();
    Set<String> chosen = new HashSet<>();
    for (int tries = 0; out.size() < count && tries < TRIES * count; tries++) {
      Solution[] children =
          breeding
              ? variation.evolve(selection.select(variation.getArity(), population))
              : new Solution[] {encoding.random(objectives.size() + 1)};
      for (Solution child : children) {
        Candidate c = encoding.decode(child);
        if (out.size() < count
            && space.allows(c)
            && !excluded.contains(c.archId())
            && chosen.add(c.archId())) {
          out.add(
              new Proposal(
                  c,
                  view.targetId(),
                  breeding
                      ? "NSGA-II offspring of the " + POPULATION + " best measured"
                      : "NSGA-II initial population: random",
                  0));
        }
      }
    }
    return out;
  }

  /**
   * The candidate as a solution with its measured objectives, or empty when one is missing or it
   * has no encoding.
   */
  private Optional<Solution> measured(
      TargetView view, List<Objective> objectives, QualityPredictor.Evaluated e) {
    if (objectives.isEmpty()) {
      return Optional.empty();
    }
    double[] values = new double[objectives.size() + 1];
    for (int i = 0; i < objectives.size(); i++) {
      Optional<FrontierPoint> p =
          view.frontiers().get(objectives.get(i)).frontier().point(e.candidate().archId());
      if (p.isEmpty() || p.get().source() != LatencySource.MEASURED) {
        return Optional.empty();
      }
      values[i] = p.get().latencyMs();
    }
    values[objectives.size()] = e.perplexity();
    Optional<Solution> s = encoding.encode(e.candidate(), values.length);
    s.ifPresent(solution -> solution.setObjectives(values));
    return s;
  }
}
