package dev.hilnas.core.measure;

import dev.hilnas.core.Statistics;
import java.util.ArrayList;
import java.util.List;

/**
 * How well two measurements of the same candidates agree: of n pairs, how many second latencies lie
 * within ±5% and ±10% of the first (|second / first - 1|), and the median of that relative change.
 * The figure of merit of a measurement protocol: a protocol that measures the device, not its
 * moods, repeats. Immutable.
 *
 * @param pairs pairs compared
 * @param within5 pairs within ±5%
 * @param within10 pairs within ±10%
 * @param medianChange median |second / first - 1|
 */
public record RepeatAgreement(int pairs, int within5, int within10, double medianChange) {

  /** A change on the edge (21 / 20 - 1 is 0.0500000000000007 in doubles) counts as within. */
  private static final double EDGE = 1e-9;

  /**
   * @param first latencies of the first pass, ms
   * @param second the same candidates' latencies of the second pass, in the same order, ms
   */
  public static RepeatAgreement of(List<Double> first, List<Double> second) {
    if (first.size() != second.size() || first.isEmpty()) {
      throw new IllegalArgumentException(
          "need as many second latencies as first, at least one; got "
              + first.size()
              + " and "
              + second.size());
    }
    List<Double> changes = new ArrayList<>();
    int within5 = 0;
    int within10 = 0;
    for (int i = 0; i < first.size(); i++) {
      double change = Math.abs(second.get(i) / first.get(i) - 1);
      changes.add(change);
      within5 += change <= 0.05 + EDGE ? 1 : 0;
      within10 += change <= 0.10 + EDGE ? 1 : 0;
    }
    return new RepeatAgreement(first.size(), within5, within10, Statistics.median(changes));
  }
}
