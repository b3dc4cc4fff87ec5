package dev.hilnas.core.measure;

import java.util.List;

/**
 * Tracks how fast the device runs now compared with the start of an agent's run, from a fixed
 * reference candidate measured between the candidates (the first of a run measured twice, the first
 * discarded as the process's warm-up): the speed factor is the reference's latency now over its
 * first latency in the run (1.3 = everything runs 30% slower than at the start: throttling, a
 * neighbour's load). Recorded with each measurement, not applied to it. Not thread-safe.
 */
public final class SpeedDrift {

  private double baselineMs = Double.NaN;
  private double lastMs = Double.NaN;

  /**
   * Records a reference measurement.
   *
   * @return its speed factor: this median over the run's first
   */
  public double record(List<Double> referenceSamples) {
    double ms = SampleStats.of(referenceSamples).median();
    if (Double.isNaN(baselineMs)) {
      baselineMs = ms;
    }
    lastMs = ms;
    return factor();
  }

  /** The latest factor, 1 before any reference was measured. */
  public double factor() {
    return Double.isNaN(lastMs) ? 1 : lastMs / baselineMs;
  }

  /** Whether a reference was recorded, so the factors have their baseline. */
  public boolean hasBaseline() {
    return !Double.isNaN(baselineMs);
  }

  /** The latest reference median, ms, or NaN before any. */
  public double referenceMs() {
    return lastMs;
  }
}
