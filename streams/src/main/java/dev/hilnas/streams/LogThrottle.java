package dev.hilnas.streams;

import java.util.OptionalLong;

/**
 * Lets through one log line per period of a condition that repeats record after record, counting
 * the ones it holds back. A target at a state bound refuses every new measurement; a warning with a
 * stack trace for each flooded the log at thousands of lines a second. Thread-safe.
 */
final class LogThrottle {
  private final long periodMs;
  private long lastMs;
  private boolean logged;
  private long heldBack;

  LogThrottle(long periodMs) {
    this.periodMs = periodMs;
  }

  /**
   * @param nowMs a monotonic clock's milliseconds ({@code System.nanoTime()}-based): a wall clock
   *     stepping back would hold every line back
   * @return when a line is due at {@code nowMs}, how many were held back since the last one; empty
   *     when this one is held back
   */
  synchronized OptionalLong pass(long nowMs) {
    if (logged && nowMs - lastMs < periodMs) {
      heldBack++;
      return OptionalLong.empty();
    }
    long before = heldBack;
    logged = true;
    lastMs = nowMs;
    heldBack = 0;
    return OptionalLong.of(before);
  }
}
