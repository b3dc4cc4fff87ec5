package dev.hilnas.app.bench.fuzz;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counts what one path made of its cases as they are sent. Not thread-safe. */
final class Tally {
  /** Reasons listed per path; the rest are summed under {@link #OTHER_REASONS}. */
  static final int REASONS_LISTED = 20;

  static final String OTHER_REASONS = "(other reasons)";

  /**
   * A number in a reason, but not one of a name ({@code UTF-8}, {@code h1}), nor the 0 of {@code
   * 0x…}.
   */
  private static final String NUMBER =
      "(?<![\\p{Alpha}\\d_.])(?<!\\p{Alpha}-)\\d+(\\.\\d+)?([eE][-+]?\\d+)?(?!x…)";

  /** How an HTTP path starts a reason: {@code 400: }. */
  private static final Pattern HTTP_STATUS = Pattern.compile("\\d{3}: ");

  private final String path;
  private static final String SERVER_ERROR = "server error: ";

  private final Map<String, Long> reasons = new HashMap<>();
  private long cases;
  private long accepted;
  private long rejected;
  private long serverErrors;
  private long validSent;
  private long validAccepted;
  private Long expected;
  private Long counted;

  Tally(String path) {
    this.path = path;
  }

  void sent() {
    cases++;
  }

  void validSent() {
    cases++;
    validSent++;
  }

  void validAccepted() {
    validAccepted++;
  }

  void accepted() {
    accepted++;
  }

  void rejected(String reason) {
    rejected++;
    reason(reason);
  }

  /** A reason without a refusal of its own: an invalid line within a batch that was accepted. */
  void reason(String reason) {
    reasons.merge(kind(reason), 1L, Long::sum);
  }

  void serverError(String what) {
    serverErrors++;
    reasons.merge(SERVER_ERROR + kind(what), 1L, Long::sum);
  }

  /** What the stack should count for the path's target, and what it counts. */
  void counts(long expected, long counted) {
    this.expected = expected;
    this.counted = counted;
  }

  PathReport report(Long jobRestarts, Long streamsErrors) {
    return new PathReport(
        path,
        cases,
        accepted,
        rejected,
        mostFrequent(),
        serverErrors,
        jobRestarts,
        streamsErrors,
        new PathReport.Valid(validSent, validAccepted, expected, counted),
        null);
  }

  /** Server errors first, all of them: they are what the fuzz is for. Then the most frequent. */
  private Map<String, Long> mostFrequent() {
    Map<String, Long> out = new LinkedHashMap<>();
    long others = 0;
    var sorted =
        reasons.entrySet().stream()
            .sorted(
                Comparator.comparing(
                        (Map.Entry<String, Long> e) -> !e.getKey().startsWith(SERVER_ERROR))
                    .thenComparing(Map.Entry.comparingByValue(Comparator.reverseOrder()))
                    .thenComparing(Map.Entry.comparingByKey()))
            .toList();
    for (var e : sorted) {
      if (out.size() < REASONS_LISTED || e.getKey().startsWith(SERVER_ERROR)) {
        out.put(e.getKey(), e.getValue());
      } else {
        others += e.getValue();
      }
    }
    if (others > 0) {
      out.put(OTHER_REASONS, others);
    }
    return out;
  }

  /**
   * The reason with the values taken out — the offending value after {@code got}, quoted text, hex
   * bytes, numbers (not those of names like {@code UTF-8}, nor an HTTP status in front) — so that
   * one kind of refusal counts once however many values hit it.
   */
  static String kind(String reason) {
    String first = reason == null ? "" : reason.strip().lines().findFirst().orElse("");
    Matcher status = HTTP_STATUS.matcher(first);
    String prefix = status.lookingAt() ? status.group() : "";
    String kind =
        first
            .substring(prefix.length())
            .replaceAll(",? got .*$", "")
            .replaceAll("'[^']*'", "'…'")
            .replaceAll("\"[^\"]*\"", "\"…\"")
            .replaceAll("0x\\p{XDigit}+", "0x…")
            .replaceAll(NUMBER, "N")
            .strip();
    if (kind.isEmpty()) {
      kind = "(no reason given)";
    }
    return prefix + (kind.length() > 120 ? kind.substring(0, 120) + "…" : kind);
  }
}
