package dev.hilnas.streams;

import java.io.Serializable;

/**
 * The most the frontier operator holds, so that its state and heap stay bounded however long a
 * deployment measures. Beyond a bound, the record that would grow past it goes to the DLQ with the
 * bound in its reason; what is already held keeps working.
 *
 * @param measuredCells (architecture, objective) pairs measured per target, each with its newest
 *     repeats
 * @param evaluations quality evaluations held (one per architecture; a newer one of a held
 *     architecture replaces it), on every instance: they are broadcast
 * @param cachedTargets targets whose frontiers an instance keeps built in memory; beyond it the
 *     least recently used is dropped and rebuilt from state when its next record comes
 */
record StateBounds(int measuredCells, int evaluations, int cachedTargets) implements Serializable {

  /** About 10 MB of state per target at most, 100 MB of evaluations per instance. */
  static final StateBounds DEFAULTS = new StateBounds(100_000, 100_000, 4_096);

  StateBounds {
    if (measuredCells < 1 || evaluations < 1 || cachedTargets < 1) {
      throw new IllegalArgumentException("state bounds must be >= 1");
    }
  }
}
