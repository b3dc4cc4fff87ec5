package dev.hilnas.sinks.state;

import java.util.Map;
import java.util.Set;

/**
 * How far the search has got on one target. Architectures are counted once however often they were
 * requested; each is in exactly one of measured, failed and pending.
 *
 * @param targetId the target
 * @param requests requests on hil.candidates that name the target or every target
 * @param requested distinct architectures among them
 * @param measured requested architectures with a measured latency on one of the target's frontiers
 * @param failed requested architectures not measured whose every request so far ended in an agent's
 *     failed attempt (as many dead letters as requests)
 * @param pending the other requested architectures: waiting for an agent, being measured, or
 *     measured but not yet on a frontier (no quality yet)
 * @param failedAttempts agents' dead letters for the target, requested architectures or not
 */
public record SearchProgress(
    String targetId,
    long requests,
    int requested,
    int measured,
    int failed,
    int pending,
    long failedAttempts) {

  /**
   * @param requests requests per architecture (naming the target or every target), by arch id
   * @param failures agents' failed attempts per architecture on the target, by arch id
   * @param measured arch ids with a measured latency on the target
   */
  public static SearchProgress of(
      String targetId,
      Map<String, Long> requests,
      Map<String, Long> failures,
      Set<String> measured) {
    int measuredCount = 0;
    int failed = 0;
    long requestCount = 0;
    for (Map.Entry<String, Long> e : requests.entrySet()) {
      requestCount += e.getValue();
      if (measured.contains(e.getKey())) {
        measuredCount++;
      } else if (failures.getOrDefault(e.getKey(), 0L) >= e.getValue()) {
        failed++;
      }
    }
    long attempts = failures.values().stream().mapToLong(Long::longValue).sum();
    return new SearchProgress(
        targetId,
        requestCount,
        requests.size(),
        measuredCount,
        failed,
        requests.size() - measuredCount - failed,
        attempts);
  }
}
