package dev.hilnas.producers.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Quality;

/**
 * The Quality JSON contract of DESIGN.md §5: {@code {"candidateId":..,"candidate":{..},
 * "metric":"perplexity","value":12.3,"dataset":..,"evaluator":..}}. Unknown fields are ignored;
 * problems become an {@link IllegalArgumentException} naming the field. Thread-safe.
 */
public final class QualityJson {
  private QualityJson() {}

  /** Parses one JSON object (one JSONL line). */
  public static Quality parse(String json) {
    JsonNode node = MeasurementJson.readTree(json);
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object, got " + node.getNodeType());
    }
    JsonNode value = node.get("value");
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException("field 'value' must be a number");
    }
    return new Quality(
        text(node, "candidateId"),
        MeasurementJson.candidateFromTree(node.get("candidate")),
        text(node, "metric"),
        value.asDouble(),
        text(node, "dataset"),
        text(node, "evaluator"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
