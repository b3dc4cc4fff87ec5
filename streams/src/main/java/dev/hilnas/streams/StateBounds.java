package dev.hilnas.streams;

import java.io.Serializable;

/**
 * The most the job's per-target operators hold, so that their state and heap stay bounded however
 * long a deployment measures. Beyond a bound, the record that would grow past it goes to the DLQ
 * with the bound in its reason; what is already held keeps working.
 *
 * @param measuredCells (architecture, objective) pairs measured per target, each with its newest
 *     repeats
 * @param evaluations quality evaluations held (one per architecture; a newer one of a held
 *     architecture replaces it), on every instance: they are broadcast
 * @param cachedTargets targets whose frontiers an instance keeps built in memory; beyond it the
 *     least recently used is dropped and rebuilt from state when its next record comes
 * @param rememberedIds measurement ids remembered per target to drop repeats (16 bytes each in
 *     state): a repeat is dropped while its id is among the target's newest this many, for at most
 *     the job's id memory (7 days)
 * @param cachedPoints points an instance of the refit operator keeps converted between refits, all
 *     targets together (a few hundred bytes of heap each); beyond it the least recently used target
 *     is rebuilt from state at its next refit
 */
record StateBounds(
    int measuredCells, int evaluations, int cachedTargets, int rememberedIds, int cachedPoints)
    implements Serializable {

  /**
   * About 10 MB of frontier state and 16 MB of ids per target at most, 100 MB of evaluations and
   * about 100 MB of cached points per instance.
   */
  static final StateBounds DEFAULTS = new StateBounds(100_000, 100_000, 4_096, 1_000_000, 262_144);

  StateBounds {
    if (measuredCells < 1
        || evaluations < 1
        || cachedTargets < 1
        || rememberedIds < 1
        || cachedPoints < 1) {
      throw new IllegalArgumentException("state bounds must be >= 1");
    }
  }
}
