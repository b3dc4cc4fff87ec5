package dev.hilnas.streams;

/**
 * A record that would grow the job's state past one of its {@link StateBounds}: thrown before the
 * record changed anything, so {@link Quarantine} has nothing to undo.
 */
final class StateLimitExceeded extends IllegalStateException {
  StateLimitExceeded(String message) {
    super(message);
  }
}
