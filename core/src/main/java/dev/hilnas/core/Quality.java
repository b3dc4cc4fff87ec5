package dev.hilnas.core;

/**
 * A quality evaluation of a candidate: a lower-better loss such as perplexity. Immutable; validates
 * on construction.
 *
 * @param candidateId the source's label, or null
 * @param metric what {@code value} measures; only {@value #PERPLEXITY} so far
 * @param value the loss, finite and > 0
 * @param dataset what it was measured on, or null
 * @param evaluator who measured, or null
 */
public record Quality(
    String candidateId,
    Candidate candidate,
    String metric,
    double value,
    String dataset,
    String evaluator) {

  public static final String PERPLEXITY = "perplexity";

  public Quality {
    if (candidate == null) {
      throw new IllegalArgumentException("missing field 'candidate'");
    }
    if (!PERPLEXITY.equals(metric)) {
      throw new IllegalArgumentException("metric must be 'perplexity', got '" + metric + "'");
    }
    if (!Double.isFinite(value) || value <= 0) {
      throw new IllegalArgumentException("value must be a finite number > 0, got " + value);
    }
  }

  /** Derived from the content, so the same evaluation imported twice has the same id. */
  public String id() {
    String canonical =
        String.join(
            "|",
            candidate.archId(),
            metric,
            Double.toString(value),
            String.valueOf(dataset),
            String.valueOf(evaluator));
    return "q" + Hashing.sha256Hex(canonical, 24);
  }
}
