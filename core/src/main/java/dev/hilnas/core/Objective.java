package dev.hilnas.core;

/**
 * What a frontier optimises latency for: a phase at a context length, written {@code PREFILL@2048}.
 *
 * @param contextLength tokens, >= 1; at most {@link Limits#maxContextLength()} where it comes from
 *     outside
 */
public record Objective(Phase phase, int contextLength) {

  public Objective {
    if (phase == null) {
      throw new IllegalArgumentException("phase must be PREFILL or DECODE, got 'null'");
    }
    Require.atLeastOne("contextLength", contextLength);
  }

  /**
   * @throws IllegalArgumentException unless the text looks like {@code PHASE@tokens}
   */
  public static Objective parse(String text) {
    String[] parts = text == null ? new String[0] : text.trim().split("@", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "objective must look like PREFILL@2048 or DECODE@512, got '" + text + "'");
    }
    Phase phase;
    int context;
    try {
      phase = Phase.parse(parts[0]);
      context = Integer.parseInt(parts[1].trim());
    } catch (IllegalArgumentException e) { // an unknown phase or a number that is not one
      throw new IllegalArgumentException(
          "objective must look like PREFILL@2048 or DECODE@512, got '" + text + "'");
    }
    return new Objective(phase, context);
  }

  @Override
  public String toString() {
    return phase + "@" + contextLength;
  }
}
