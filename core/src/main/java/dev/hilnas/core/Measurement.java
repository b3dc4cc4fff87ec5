package dev.hilnas.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One latency measurement of a candidate on a hardware target. Immutable; validates on
 * construction.
 *
 * @param id measurement id; equal ids mean the same measurement reported twice. Derived from the
 *     whole record when the source gives none, so only true repeats share one
 * @param candidateId the source's label for the candidate, or null; it does not identify the
 *     architecture (the arch id does)
 * @param candidate the architecture measured
 * @param target where it was measured
 * @param phase what was timed
 * @param contextLength prompt length (PREFILL) or KV-cache length (DECODE), tokens, >= 1
 * @param latencyMs the reported latency (typically the median of the samples), ms, finite and > 0
 * @param samplesMs the individual timings, ms; may be empty
 * @param agentId who measured, or null
 * @param measuredAt when, or null
 * @param threads threads used, or null
 * @param environment free-form facts about the device (OS, governor, temperature); never null
 */
public record Measurement(
    String id,
    String candidateId,
    Candidate candidate,
    HardwareTarget target,
    Phase phase,
    int contextLength,
    double latencyMs,
    List<Double> samplesMs,
    String agentId,
    Instant measuredAt,
    Integer threads,
    Map<String, String> environment) {

  public Measurement {
    if (candidate == null) {
      throw new IllegalArgumentException("candidate is required");
    }
    if (target == null) {
      throw new IllegalArgumentException("hardware and runtime are required");
    }
    if (phase == null) {
      throw new IllegalArgumentException("phase must be PREFILL or DECODE, got 'null'");
    }
    Require.atLeastOne("contextLength", contextLength);
    requirePositive("latencyMs", latencyMs);
    samplesMs = samplesMs == null ? List.of() : List.copyOf(samplesMs);
    for (int i = 0; i < samplesMs.size(); i++) {
      requirePositive("samplesMs[" + i + "]", samplesMs.get(i));
    }
    if (threads != null && threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (environment != null) {
      // a JSON null reads as a null value, which Map.copyOf would throw a NullPointerException on
      environment.forEach(
          (key, value) -> {
            if (value == null) {
              throw new IllegalArgumentException(
                  "environment['" + key + "'] must be a string, got null");
            }
          });
    }
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    if (id == null || id.isBlank()) {
      id =
          contentId(
              candidateId,
              candidate,
              target,
              phase,
              contextLength,
              latencyMs,
              samplesMs,
              agentId,
              measuredAt,
              threads,
              environment);
    }
  }

  /** The same measurement with other timings; its id derived anew from its content. */
  public Measurement withTiming(double latencyMs, List<Double> samplesMs) {
    return rederived(latencyMs, samplesMs, environment);
  }

  /** The same measurement with other environment facts; its id derived anew from its content. */
  public Measurement withEnvironment(Map<String, String> environment) {
    return rederived(latencyMs, samplesMs, environment);
  }

  private Measurement rederived(
      double latencyMs, List<Double> samplesMs, Map<String, String> environment) {
    return new Measurement(
        null,
        candidateId,
        candidate,
        target,
        phase,
        contextLength,
        latencyMs,
        samplesMs,
        agentId,
        measuredAt,
        threads,
        environment);
  }

  /** A measurement whose id is derived from its content (the same line imported twice dedups). */
  public static Measurement of(
      String candidateId,
      Candidate candidate,
      HardwareTarget target,
      Phase phase,
      int contextLength,
      double latencyMs,
      List<Double> samplesMs) {
    return new Measurement(
        null,
        candidateId,
        candidate,
        target,
        phase,
        contextLength,
        latencyMs,
        samplesMs,
        null,
        null,
        null,
        null);
  }

  /** {@code PREFILL@2048}: the objective this measurement speaks for. */
  public Objective objective() {
    return new Objective(phase, contextLength);
  }

  private static void requirePositive(String field, double value) {
    if (!Double.isFinite(value) || value <= 0) {
      throw new IllegalArgumentException(field + " must be a finite number > 0, got " + value);
    }
  }

  /**
   * Everything the record says, so that two records differing in anything, even only in their label
   * or their source, are two measurements; the environment with its keys sorted.
   */
  private static String contentId(
      String candidateId,
      Candidate candidate,
      HardwareTarget target,
      Phase phase,
      int contextLength,
      double latencyMs,
      List<Double> samplesMs,
      String agentId,
      Instant measuredAt,
      Integer threads,
      Map<String, String> environment) {
    String canonical =
        String.join(
            "|",
            candidate.archId(),
            target.id(),
            phase.name(),
            Integer.toString(contextLength),
            Double.toString(latencyMs),
            samplesMs.toString(),
            String.valueOf(candidateId),
            String.valueOf(agentId),
            String.valueOf(measuredAt),
            String.valueOf(threads),
            new TreeMap<>(environment).toString());
    return "m" + Hashing.sha256Hex(canonical, 24);
  }
}
