package dev.hilnas.core;

/** How one decoder layer attends: over the whole prefix, over a sliding window, or not at all. */
public enum AttentionKind {
  /** Causal attention over every earlier token. */
  GLOBAL('G'),
  /** Causal attention over the last {@code window} tokens only. */
  LOCAL('L'),
  /** No attention: the layer keeps only its FFN ("attention skipping"). */
  SKIP('S');

  private final char letter;

  AttentionKind(char letter) {
    this.letter = letter;
  }

  /** The letter used in the compact {@code attention} string, e.g. {@code "GGLSLG"}. */
  public char letter() {
    return letter;
  }

  /**
   * @param position zero-based position in the attention string, used in the error message
   * @throws IllegalArgumentException for a letter other than G, L or S
   */
  public static AttentionKind ofLetter(char letter, int position) {
    for (AttentionKind kind : values()) {
      if (kind.letter == Character.toUpperCase(letter)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "attention letter '"
            + letter
            + "' at position "
            + position
            + " is not one of G (global), L (local window), S (skipped)");
  }
}
