package dev.hilnas.app.cli.bench;

import java.util.Collections;
import java.util.List;

/** The [min..max] of a benchmark's repetitions, printed after their median. */
final class Spread {
  private Spread() {}

  /** Whole numbers with thousands separators: records/s, predictions/s. */
  static String perSecond(List<Double> runs) {
    return range("[%,.0f..%,.0f]", runs);
  }

  /** Tenths with thousands separators: milliseconds. */
  static String ms(List<Double> runs) {
    return range("[%,.1f..%,.1f]", runs);
  }

  /** Tenths without separators: GFLOP/s. */
  static String gflops(List<Double> runs) {
    return range("[%.1f..%.1f]", runs);
  }

  private static String range(String format, List<Double> runs) {
    return String.format(format, Collections.min(runs), Collections.max(runs));
  }
}
