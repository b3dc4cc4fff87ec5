package dev.hilnas.core;

import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A device and the runtime that executes models on it, e.g. {@code pixel8-cpu} with {@code
 * executorch-xnnpack}. One latency model is kept per target.
 *
 * @param hardware device kind, e.g. {@code x86-8thread}
 * @param runtime inference runtime, e.g. {@code java-cpu}
 * @param precision the precision it runs models at, e.g. {@code fp32} or llama.cpp's {@code q4_0};
 *     null when the source did not say. One that names the weights' width (see {@link #weightBits})
 *     keeps the search to candidates of that width on this target
 */
public record HardwareTarget(String hardware, String runtime, String precision) {

  /** The longest name of a hardware, runtime or precision. */
  private static final int MAX_NAME = 64;

  public HardwareTarget {
    hardware = requireName("hardware", hardware);
    runtime = requireName("runtime", runtime);
    if (precision != null && !precision.isBlank()) {
      precision = requireName("precision", precision);
    } else {
      precision = null;
    }
  }

  public HardwareTarget(String hardware, String runtime) {
    this(hardware, runtime, null);
  }

  /**
   * Reads an id, {@code hardware/runtime[/precision]}: the one parser of target ids, for the CLI,
   * the query service and wherever else a person writes one.
   *
   * @throws IllegalArgumentException naming the id and what is wrong with it
   */
  public static HardwareTarget parse(String id) {
    String[] parts = id == null ? new String[0] : id.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "target must look like hardware/runtime[/precision], e.g. pixel8-cpu/executorch-xnnpack, got '"
              + id
              + "'");
    }
    try {
      return new HardwareTarget(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    } catch (IllegalArgumentException e) { // a part that is empty or no name: say in which id
      throw new IllegalArgumentException("target '" + id + "': " + e.getMessage());
    }
  }

  /** {@code hardware/runtime}, plus {@code /precision} when known: the Kafka key of the target. */
  public String id() {
    return id(hardware, runtime, precision);
  }

  /**
   * The id of a target whose parts are already in their checked, trimmed form (precision null when
   * not said), without checking them again: for a pipeline that checked them once at its door.
   */
  public static String id(String hardware, String runtime, String precision) {
    return precision == null
        ? hardware + "/" + runtime
        : hardware + "/" + runtime + "/" + precision;
  }

  /** Precision names that say how wide the weights are: {@code fp32}, {@code bf16}, ... */
  private static final Pattern FLOAT_WEIGHTS =
      Pattern.compile("(?:fp|f|bf|float)(32|16)", Pattern.CASE_INSENSITIVE);

  /**
   * ... and {@code q8_0}, {@code iq4_nl}, {@code q4-k-m}, {@code int8}, {@code w4a16}: the weights'
   * bits first.
   */
  private static final Pattern INTEGER_WEIGHTS =
      Pattern.compile("(?:q|iq|int|i|w)(8|4)(?:[-_.a-z].*)?", Pattern.CASE_INSENSITIVE);

  private static final List<Pattern> WEIGHT_WIDTHS = List.of(FLOAT_WEIGHTS, INTEGER_WEIGHTS);

  /**
   * The bits per weight this target's precision names, when it names them (llama.cpp's weight types
   * and the usual names: {@code fp32}, {@code float16}, {@code bf16}, {@code q8_0}, {@code iq4_nl},
   * {@code q4_k_m}, {@code int8}, {@code w4a16}); empty for another precision (say {@code mixed})
   * or none. The built-in runners run every candidate at their target's precision, whatever its
   * {@code weightBits}; a runner that quantises as each candidate asks names no width.
   */
  public OptionalInt weightBits() {
    if (precision == null) {
      return OptionalInt.empty();
    }
    for (Pattern p : WEIGHT_WIDTHS) {
      Matcher m = p.matcher(precision);
      if (m.matches()) {
        return OptionalInt.of(Integer.parseInt(m.group(1)));
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The bits per weight the precision of the target {@code id} names ({@link #weightBits}); empty
   * for an id that is not a target's, which nothing can keep to a width.
   */
  public static OptionalInt weightBitsOf(String id) {
    try {
      return parse(id).weightBits();
    } catch (IllegalArgumentException e) {
      return OptionalInt.empty();
    }
  }

  private static String requireName(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    String trimmed = value.trim();
    if (!isName(trimmed)) {
      throw new IllegalArgumentException(
          field + " '" + value + "' must be 1-64 letters, digits or . _ + - (no '/' or spaces)");
    }
    return trimmed;
  }

  /**
   * {@code [A-Za-z0-9][A-Za-z0-9._+-]{0,63}}, checked by hand: the job builds a target from every
   * measurement it reads, and the regular expression was 1% of its CPU.
   */
  static boolean isName(String s) {
    if (s.isEmpty() || s.length() > MAX_NAME || !isLetterOrDigit(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '+' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
