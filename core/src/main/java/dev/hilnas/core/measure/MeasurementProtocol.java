package dev.hilnas.core.measure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a latency is sampled: {@link #fixed} (a set number of warm-ups and runs, and once more when
 * the spread exceeds 20%, hilnas's first protocol) or {@link #adaptive}: warm up until the last
 * runs agree, then sample until the median's confidence interval is narrow enough or a cap is hit.
 * Stateless and thread-safe; the sampler does the timing.
 */
public final class MeasurementProtocol {

  /** The fixed protocol runs once more when (max - min) / median of its runs exceeds this. */
  public static final double FIXED_MAX_SPREAD = 0.2;

  /**
   * The adaptive protocol's knobs.
   *
   * @param window warm-up runs come in windows of this many; warm-up ends when a window's spread is
   *     at most {@code stableSpread} and its median is within {@code stableSpread} of the previous
   *     window's (no longer speeding up)
   * @param stableSpread see {@code window}, e.g. 0.1
   * @param maxWarmups warm-up stops here even when not stable (recorded as not stable)
   * @param minSamples samples taken before the interval is looked at, at least 1
   * @param batch samples added per step after that
   * @param ciWidth sampling stops once the median's 95% interval is at most this wide relative to
   *     the median, e.g. 0.05
   * @param maxSamples sampling stops here whatever the interval
   */
  public record Settings(
      int window,
      double stableSpread,
      int maxWarmups,
      int minSamples,
      int batch,
      double ciWidth,
      int maxSamples) {

    /** 3-run windows within 10%, up to 30 warm-ups; 6 to 30 samples until the CI is within 5%. */
    public static final Settings DEFAULT = new Settings(3, 0.1, 30, 6, 4, 0.05, 30);

    public Settings {
      if (window < 2 || maxWarmups < 0 || minSamples < 1 || batch < 1) {
        throw new IllegalArgumentException(
            "window must be >= 2, maxWarmups >= 0, minSamples and batch >= 1");
      }
      if (maxSamples < minSamples) {
        throw new IllegalArgumentException(
            "maxSamples (" + maxSamples + ") must be >= minSamples (" + minSamples + ")");
      }
      if (!(ciWidth > 0) || !(stableSpread > 0)) {
        throw new IllegalArgumentException("ciWidth and stableSpread must be > 0");
      }
    }

    public Settings withMaxSamples(int max) {
      return new Settings(
          window, stableSpread, maxWarmups, Math.min(minSamples, max), batch, ciWidth, max);
    }

    public Settings withCiWidth(double width) {
      return new Settings(window, stableSpread, maxWarmups, minSamples, batch, width, maxSamples);
    }
  }

  /**
   * What one objective's sampling gave.
   *
   * @param samples the timed runs kept, ms, in order
   * @param warmups untimed runs before them
   * @param warmedUp whether warm-up ended stable (always true for the fixed protocol, which does
   *     not look)
   * @param stats what the samples say about themselves
   */
  public record Result(List<Double> samples, int warmups, boolean warmedUp, SampleStats stats) {

    public Result {
      samples = List.copyOf(samples);
    }

    /**
     * The facts to record with the measurement, under {@code protocol.*} keys, as strings (a
     * measurement's environment is a string map).
     */
    public Map<String, String> environment(String protocol) {
      Map<String, String> out = new LinkedHashMap<>();
      out.put("protocol", protocol);
      out.put("protocol.warmups", Integer.toString(warmups));
      out.put("protocol.warmedUp", Boolean.toString(warmedUp));
      out.put("protocol.samples", Integer.toString(stats.n()));
      out.put("protocol.spread", format(stats.spread()));
      out.put("protocol.ci95Low", format(stats.ciLow()));
      out.put("protocol.ci95High", format(stats.ciHigh()));
      out.put("protocol.ciWidth", format(stats.ciWidth()));
      out.put("protocol.outliers", Integer.toString(stats.outliers()));
      out.put("protocol.bimodal", Boolean.toString(stats.bimodal()));
      return out;
    }
  }

  private final String name;
  private final Settings settings;
  private final int fixedWarmups;
  private final int fixedRuns;

  private MeasurementProtocol(String name, Settings settings, int warmups, int runs) {
    this.name = name;
    this.settings = settings;
    this.fixedWarmups = warmups;
    this.fixedRuns = runs;
  }

  /** hilnas's first protocol: {@code warmups}, {@code runs}, once more when the spread is large. */
  public static MeasurementProtocol fixed(int warmups, int runs) {
    if (warmups < 0 || runs < 1) {
      throw new IllegalArgumentException("warmups must be >= 0 and runs >= 1");
    }
    return new MeasurementProtocol("fixed", null, warmups, runs);
  }

  public static MeasurementProtocol adaptive(Settings settings) {
    return new MeasurementProtocol("adaptive", settings, 0, 0);
  }

  /** {@code fixed} or {@code adaptive}, as recorded in measurements. */
  public String name() {
    return name;
  }

  public Result measure(Sampler sampler) {
    return settings == null ? fixed(sampler) : adaptive(sampler);
  }

  private Result fixed(Sampler sampler) {
    List<Double> first = nonEmpty(sampler.run(fixedWarmups, fixedRuns));
    SampleStats firstStats = SampleStats.of(first);
    if (firstStats.spread() <= FIXED_MAX_SPREAD) {
      return new Result(first, fixedWarmups, true, firstStats);
    }
    List<Double> second = nonEmpty(sampler.run(fixedWarmups, fixedRuns));
    SampleStats secondStats = SampleStats.of(second);
    return secondStats.spread() < firstStats.spread()
        ? new Result(second, 2 * fixedWarmups + fixedRuns, true, secondStats)
        : new Result(first, fixedWarmups, true, firstStats);
  }

  private Result adaptive(Sampler sampler) {
    int warmups = 0;
    boolean stable = false;
    double previous = Double.NaN;
    while (warmups + settings.window() <= settings.maxWarmups()) {
      List<Double> window = nonEmpty(sampler.run(0, settings.window()));
      warmups += window.size();
      SampleStats w = SampleStats.of(window);
      boolean settled =
          !Double.isNaN(previous)
              && Math.abs(w.median() - previous) <= settings.stableSpread() * previous;
      if (w.spread() <= settings.stableSpread() && settled) {
        stable = true;
        break;
      }
      previous = w.median();
    }
    List<Double> samples = new ArrayList<>(nonEmpty(sampler.run(0, settings.minSamples())));
    SampleStats stats = SampleStats.of(samples);
    while (stats.ciWidth() > settings.ciWidth() && samples.size() < settings.maxSamples()) {
      int more = Math.min(settings.batch(), settings.maxSamples() - samples.size());
      samples.addAll(nonEmpty(sampler.run(0, more)));
      stats = SampleStats.of(samples);
    }
    return new Result(samples, warmups, stable, stats);
  }

  private static List<Double> nonEmpty(List<Double> samples) {
    if (samples == null || samples.isEmpty()) {
      throw new IllegalStateException("the runner returned no samples");
    }
    return samples;
  }

  static String format(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
