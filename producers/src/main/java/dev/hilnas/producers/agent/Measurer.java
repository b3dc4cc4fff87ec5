package dev.hilnas.producers.agent;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.measure.MeasurementProtocol;
import dev.hilnas.core.measure.Sampler;
import dev.hilnas.core.measure.SpeedDrift;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns timings into measurements through a {@link MeasurementProtocol} — by default the fixed one
 * (the settings' warm-ups and repetitions, once more when the spread is too large); agents use
 * {@link MeasurementProtocol#adaptive}. With a reference candidate, it is measured before every
 * candidate (or before each objective of it), and each measurement records the device's speed
 * factor since the first. Every measurement records its protocol's statistics in its environment
 * ({@code protocol.*}). Shared by the Kafka agent and {@code agent --once}, which publish nothing
 * that readers would reject: a measurement beyond the limits is an error. Not thread-safe (the
 * drift is state).
 */
public final class Measurer {

  /** What is timed and how, and what goes into every measurement. */
  public record Settings(
      HardwareTarget target,
      List<Objective> objectives,
      int warmups,
      int repetitions,
      String agentId,
      int threads,
      Map<String, String> environment) {}

  /**
   * A fixed candidate timed between the others, to follow the device's speed.
   *
   * @param objective what it is timed at before every candidate; null: at each objective measured,
   *     just before it, so that the speed factor follows the kind of work timed (a PREFILL is
   *     compute-bound, a DECODE bound by memory, and a shared machine slows them unequally)
   */
  public record Reference(Candidate candidate, Objective objective) {

    /** The standard reference candidate at each objective measured, just before it. */
    public static Reference perObjective() {
      return new Reference(standard().candidate(), null);
    }

    /**
     * The agents' reference: 4 layers of width 256 at DECODE@128, a few ms on a phone CPU, so the
     * drift it tracks costs little beside a candidate.
     */
    public static Reference standard() {
      return new Reference(
          Candidate.builder()
              .layers(4)
              .dModel(256)
              .heads(4)
              .headDim(64)
              .ffnDim(512)
              .vocabSize(4096)
              .attention("GGGG")
              .build(),
          new Objective(dev.hilnas.core.Phase.DECODE, 128));
    }
  }

  /**
   * Written when a candidate's {@code weightBits} differ from the width its target's precision
   * names: the built-in runners ran it at the target's.
   */
  public static final String TARGET_WEIGHT_BITS = "weightBits.target";

  private final Settings settings;
  private final Limits limits;
  private final Runner runner;
  private final Clock clock;
  private final MeasurementProtocol protocol;
  private final Reference reference;
  private final Lock device;
  private final Map<Objective, SpeedDrift> drifts = new HashMap<>(); // by what the reference times
  // this process's run: the latency model learns each run's speed as a random effect
  private final String runId;

  public Measurer(Settings settings, Limits limits, Runner runner, Clock clock) {
    this(
        settings,
        limits,
        runner,
        clock,
        MeasurementProtocol.fixed(settings.warmups(), settings.repetitions()),
        null,
        new ReentrantLock(), // its own: held by nothing else until withDevice
        settings.agentId() + "@" + clock.instant());
  }

  private Measurer(
      Settings settings,
      Limits limits,
      Runner runner,
      Clock clock,
      MeasurementProtocol protocol,
      Reference reference,
      Lock device,
      String runId) {
    this.runId = runId;
    this.device = device;
    this.settings = settings;
    this.limits = limits;
    this.runner = runner;
    this.clock = clock;
    this.protocol = protocol;
    this.reference = reference;
  }

  /** The same measurer sampling with {@code protocol}. */
  public Measurer withProtocol(MeasurementProtocol protocol) {
    return new Measurer(settings, limits, runner, clock, protocol, reference, device, runId);
  }

  /** The same measurer timing {@code reference} before every candidate; null for none. */
  public Measurer withReference(Reference reference) {
    return new Measurer(settings, limits, runner, clock, protocol, reference, device, runId);
  }

  /**
   * The same measurer holding {@code device} while it times a candidate (its reference included),
   * so that work which takes the same lock never runs beside a timing: the demo's quality evaluator
   * shares its agent's cores.
   */
  public Measurer withDevice(Lock device) {
    return new Measurer(settings, limits, runner, clock, protocol, reference, device, runId);
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
    device.lock();
    try {
      return measureNow(candidate, candidateId, objectives);
    } finally {
      device.unlock();
    }
  }

  private List<Measurement> measureNow(
      Candidate candidate, String candidateId, List<Objective> objectives) {
    boolean perObjective = reference != null && reference.objective() == null;
    Map<String, String> speed =
        reference != null && !perObjective ? speed(reference.objective()) : Map.of();
    // the fixed protocol's first runs come from timeAll: runners that pay a set-up per candidate
    // (a process, a model load) pay it once; not when a reference is timed before each objective
    Map<Objective, List<Double>> first =
        protocol.name().equals("fixed") && !perObjective
            ? runner.timeAll(candidate, objectives, settings.warmups(), settings.repetitions())
            : Map.of();
    // a request from before the search kept the target to its width says which it ran at
    Map<String, String> width = new LinkedHashMap<>();
    settings
        .target()
        .weightBits()
        .ifPresent(
            bits -> {
              if (bits != candidate.weightBits()) {
                width.put(TARGET_WEIGHT_BITS, Integer.toString(bits));
              }
            });
    List<Measurement> out = new ArrayList<>();
    for (Objective objective : objectives) {
      Map<String, String> speedNow = perObjective ? speed(objective) : speed;
      MeasurementProtocol.Result result =
          protocol.measure(sampler(candidate, objective, first.get(objective)));
      Map<String, String> environment = new LinkedHashMap<>();
      environment.put(LatencyModelTrainer.RUN_ID, runId);
      environment.putAll(settings.environment());
      environment.putAll(runner.environment(objective));
      environment.putAll(result.environment(protocol.name()));
      environment.putAll(speedNow);
      environment.putAll(width);
      out.add(
          limits.check(
              new Measurement(
                  null,
                  candidateId,
                  candidate,
                  settings.target(),
                  objective.phase(),
                  objective.contextLength(),
                  median(result.samples()),
                  result.samples(),
                  settings.agentId(),
                  clock.instant(),
                  settings.threads(),
                  environment)));
    }
    return out;
  }

  /** Times the reference at {@code objective}: the device's speed now, as environment entries. */
  private Map<String, String> speed(Objective objective) {
    SpeedDrift drift = drifts.computeIfAbsent(objective, o -> new SpeedDrift());
    if (!drift.hasBaseline()) {
      // the run's first timing of anything warms the process (JIT, caches, the runtime's
      // set-up); a cold baseline would make every later factor a fraction of it
      protocol.measure((w, n) -> runner.time(reference.candidate(), objective, w, n));
    }
    MeasurementProtocol.Result r =
        protocol.measure((w, n) -> runner.time(reference.candidate(), objective, w, n));
    drift.record(r.samples());
    Map<String, String> speed = new LinkedHashMap<>();
    speed.put("protocol.speedFactor", String.format(Locale.ROOT, "%.4f", drift.factor()));
    speed.put("protocol.referenceMs", String.format(Locale.ROOT, "%.4g", drift.referenceMs()));
    // the name the latency model's --normalise-drift reads (a calibration candidate's latency)
    speed.put(
        LatencyModelTrainer.CALIBRATION_MS,
        String.format(Locale.ROOT, "%.4g", drift.referenceMs()));
    speed.put("protocol.reference", reference.candidate().archId() + " " + objective);
    return speed;
  }

  /** Times through the runner; the first call answers with {@code first} when there is one. */
  private Sampler sampler(Candidate candidate, Objective objective, List<Double> first) {
    boolean[] used = {first == null};
    return (warmups, repetitions) -> {
      if (!used[0]) {
        used[0] = true;
        if (first.isEmpty()) {
          throw new IllegalStateException(
              runner.runtime() + " returned no samples for " + objective);
        }
        return first;
      }
      List<Double> samples = runner.time(candidate, objective, warmups, repetitions);
      if (samples == null || samples.isEmpty()) {
        throw new IllegalStateException(runner.runtime() + " returned no samples for " + objective);
      }
      return samples;
    };
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
}
