package dev.hilnas.schemas.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one configured JSON mapper of hilnas, and what every JSON contract reads with it. */
public final class Json {

  /**
   * Reads and writes every JSON contract and response: unknown fields are ignored (newer clients
   * may send more), a null for a primitive is an error. Decimals are read with Jackson's bundled
   * fast parser: the same correctly rounded doubles as the JDK's, which took a slow path for the
   * 17-digit latencies devices send (a fifth of binding a measurement line). Thread-safe once
   * built.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();

  private Json() {}

  /** Parses JSON text; what is wrong with it becomes an {@link IllegalArgumentException}. */
  public static JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not valid JSON: " + withoutLocation(e.getOriginalMessage()), e);
    }
  }

  /** Jackson appends where in the source it was; the line number already says that. */
  private static String withoutLocation(String message) {
    return firstSentence(message).replaceAll("\\s*\\(start marker at \\[Source:.*$", "");
  }

  /** The first line of a parser's message: Jackson appends the source on the next. */
  public static String firstSentence(String message) {
    int cut = message.indexOf('\n');
    return cut < 0 ? message : message.substring(0, cut);
  }

  /**
   * @throws IllegalArgumentException naming the field when the value is missing
   */
  static int require(String field, Integer value) {
    if (value == null) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return value;
  }
}
