package dev.hilnas.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Quality;

/**
 * The Quality JSON contract of docs/contracts.md: {@code {"candidateId":..,"candidate":{..},
 * "metric":"perplexity","value":12.3,"dataset":..,"evaluator":..}}. Unknown fields are ignored;
 * problems become an {@link IllegalArgumentException} naming the field. Thread-safe.
 */
public final class QualityJson {
  private QualityJson() {}

  /** Parses one JSON object (one JSONL line). */
  public static Quality parse(String json, Limits limits) {
    return fromTree(Json.readTree(json), limits);
  }

  /** Whether a JSON object is a quality line rather than a measurement line. */
  public static boolean isQuality(JsonNode node) {
    return node != null && node.isObject() && node.has("metric");
  }

  /** Reads an already-parsed JSON object (a JSONL line or a CSV row), within limits. */
  public static Quality fromTree(JsonNode node, Limits limits) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object, got " + node.getNodeType());
    }
    JsonNode value = node.get("value");
    if (value == null || !(value.isNumber() || value.isTextual())) {
      throw new IllegalArgumentException("field 'value' must be a number");
    }
    double number;
    try {
      number = value.isNumber() ? value.asDouble() : Double.parseDouble(value.asText().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "field 'value' must be a number, got '" + value.asText() + "'");
    }
    return limits.check(
        new Quality(
            text(node, "candidateId"),
            CandidateJson.fromTree(node.get("candidate"), limits),
            text(node, "metric"),
            number,
            text(node, "dataset"),
            text(node, "evaluator")));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
