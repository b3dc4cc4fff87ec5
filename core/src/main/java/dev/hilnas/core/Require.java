package dev.hilnas.core;

/** Constructor checks whose messages tell the user which field and what was given. */
final class Require {
  private Require() {}

  static void atLeastOne(String field, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be >= 1, got " + value);
    }
  }

  /** A field a builder cannot do without. */
  static int present(String field, Integer value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }
}
