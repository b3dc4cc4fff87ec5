package dev.hilnas.core;

/** What a latency figure times. */
public enum Phase {
  /** Processing a prompt of {@code contextLength} tokens, in ms. */
  PREFILL,
  /** Producing one token with a KV cache of {@code contextLength} tokens, in ms. */
  DECODE;

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Phase parse(String text) {
    if (text != null) {
      for (Phase phase : values()) {
        if (phase.name().equalsIgnoreCase(text.trim())) {
          return phase;
        }
      }
    }
    throw new IllegalArgumentException("phase must be PREFILL or DECODE, got '" + text + "'");
  }
}
