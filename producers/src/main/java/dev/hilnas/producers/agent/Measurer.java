package dev.hilnas.producers.agent;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Turns timings into measurements: warm-ups, repetitions, the median, and one more run when the
 * spread of the first is too large. Shared by the Kafka agent and {@code agent --once}, which
 * publish nothing that readers would reject: a measurement beyond the limits is an error.
 */
public final class Measurer {

  /** A run whose (max - min) / median exceeds this is measured again, once. */
  static final double MAX_SPREAD = 0.2;

  /** What is timed and how, and what goes into every measurement. */
  public record Settings(
      HardwareTarget target,
      List<Objective> objectives,
      int warmups,
      int repetitions,
      String agentId,
      int threads,
      Map<String, String> environment) {}

  private final Settings settings;
  private final Limits limits;
  private final Runner runner;
  private final Clock clock;

  public Measurer(Settings settings, Limits limits, Runner runner, Clock clock) {
    this.settings = settings;
    this.limits = limits;
    this.runner = runner;
    this.clock = clock;
  }

  public Settings settings() {
    return settings;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * One measurement per objective, in order.
   *
   * @throws IllegalArgumentException when a measurement is beyond the limits (say, the runner took
   *     longer than their longest latency)
   */
  public List<Measurement> measure(
      Candidate candidate, String candidateId, List<Objective> objectives) {
    List<Measurement> out = new ArrayList<>();
    Map<Objective, List<Double>> timed =
        runner.timeAll(candidate, objectives, settings.warmups(), settings.repetitions());
    for (Objective objective : objectives) {
      List<Double> samples = steady(candidate, objective, timed.get(objective));
      out.add(
          limits.check(
              new Measurement(
                  null,
                  candidateId,
                  candidate,
                  settings.target(),
                  objective.phase(),
                  objective.contextLength(),
                  median(samples),
                  samples,
                  settings.agentId(),
                  clock.instant(),
                  settings.threads(),
                  settings.environment())));
    }
    return out;
  }

  /** The first samples, or a second run's when the first spread too much and the second less. */
  private List<Double> steady(Candidate candidate, Objective objective, List<Double> first) {
    if (first == null || first.isEmpty()) {
      throw new IllegalStateException(runner.runtime() + " returned no samples for " + objective);
    }
    if (spread(first) <= MAX_SPREAD) {
      return first;
    }
    List<Double> second =
        runner.time(candidate, objective, settings.warmups(), settings.repetitions());
    return spread(second) < spread(first) ? second : first;
  }

  /**
   * The upper middle sample rather than {@link dev.hilnas.core.Statistics#median}: the reported
   * latency is always one that was actually measured, whatever the number of repetitions.
   */
  static double median(List<Double> samples) {
    List<Double> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  static double spread(List<Double> samples) {
    return (Collections.max(samples) - Collections.min(samples)) / median(samples);
  }
}
