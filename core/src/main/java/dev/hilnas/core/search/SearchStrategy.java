package dev.hilnas.core.search;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * How the search chooses what to measure next on a target. The {@link SearchLoop} asks it at each
 * step, for as many candidates as the target has free measurement capacity; results arrive later,
 * in a later step's view, so a strategy proposes from what is measured, never from what it
 * proposed. Implementations are not thread-safe.
 */
public interface SearchStrategy {

  /** The strategies {@link #named} knows. */
  List<String> NAMES = List.of("hilnas", "random", "nsga2");

  /**
   * @param view what is known of the target
   * @param excluded arch ids requested for or measured on the target: never proposed again
   * @param count at most this many (the target's free capacity); 0 proposes nothing
   * @param random the only randomness a strategy uses, so a seed fixes its proposals
   * @return distinct prunings the space allows, none excluded; fewer than {@code count} only when
   *     the strategy finds no more
   */
  List<Proposal> propose(TargetView view, Set<String> excluded, int count, SplittableRandom random);

  /**
   * The same strategy over the same prunings with their weights at one precision (see {@link
   * SearchSpace#withWeightBits}), for targets that run every candidate at that precision; a new
   * instance, which may share caches of what does not depend on the width (hilnas: its quality
   * fit), so not to be used on another thread than this one.
   */
  SearchStrategy withWeightBits(int bits);

  /**
   * hilnas (latency model + quality predictor + optimistic hypervolume gain), random (uniform
   * prunings) or nsga2 (steady-state NSGA-II, no surrogate), over {@code space}.
   */
  static SearchStrategy named(String name, SearchSpace space) {
    return switch (name) {
      case "hilnas" -> new HilnasStrategy(space);
      case "random" -> new RandomStrategy(space);
      case "nsga2" -> new Nsga2Strategy(space);
      default ->
          throw new IllegalArgumentException(
              "the search strategy must be one of " + NAMES + ", got " + name);
    };
  }
}
