package dev.hilnas.streams;

/** A record that would grow the job's state past one of its {@link StateBounds}. */
final class StateLimitExceeded extends IllegalStateException {
  StateLimitExceeded(String message) {
    super(message);
  }
}
