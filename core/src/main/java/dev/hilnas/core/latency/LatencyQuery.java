package dev.hilnas.core.latency;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Phase;

/**
 * A request for a predicted latency: which candidate, on which target, for which phase and context.
 *
 * @param candidateId the source's label, or null
 * @param target the target whose model answers, or null to let the caller pick its only model
 * @param contextLength tokens, >= 1
 * @param measuredMs a measured latency the source supplied alongside, or null
 */
public record LatencyQuery(
    String candidateId,
    Candidate candidate,
    HardwareTarget target,
    Phase phase,
    int contextLength,
    Double measuredMs) {

  public LatencyQuery {
    if (candidate == null) {
      throw new IllegalArgumentException("missing field 'candidate'");
    }
    if (phase == null) {
      throw new IllegalArgumentException("phase must be PREFILL or DECODE, got 'null'");
    }
    if (contextLength < 1) {
      throw new IllegalArgumentException("contextLength must be >= 1, got " + contextLength);
    }
    if (measuredMs != null && !(Double.isFinite(measuredMs) && measuredMs > 0)) {
      // as a measurement's own latency: a NaN would be scored against, and printed as a string
      throw new IllegalArgumentException(
          "latencyMs must be a finite number > 0, got " + measuredMs);
    }
  }
}
