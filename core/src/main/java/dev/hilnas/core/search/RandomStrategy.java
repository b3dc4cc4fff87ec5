package dev.hilnas.core.search;

import dev.hilnas.core.Candidate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random search: prunings drawn from {@link SearchSpace#random}, whatever is known. The baseline
 * the other strategies must beat. Stateless.
 */
public final class RandomStrategy implements SearchStrategy {

  /**
   * Draws per proposal before giving up: a tight constraint or a nearly spent space rejects most.
   */
  static final int TRIES = 1000;

  private final SearchSpace space;

  public RandomStrategy(SearchSpace space) {
    this.space = space;
  }

  @Override
  public SearchStrategy withWeightBits(int bits) {
    return new RandomStrategy(space.withWeightBits(bits));
  }

  @Override
  public List<Proposal> propose(
      TargetView view, Set<String> excluded, int count, SplittableRandom random) {
    List<Proposal> out = new ArrayList<>();
    Set<String> chosen = new HashSet<>();
    for (int tries = 0; out.size() < count && tries < TRIES * count; tries++) {
      Candidate c = space.random(random);
      if (space.allows(c) && !excluded.contains(c.archId()) && chosen.add(c.archId())) {
        out.add(new Proposal(c, view.targetId(), "random pruning", 0));
      }
    }
    return out;
  }
}
