package dev.hilnas.schemas.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.LatencyQuery;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Measurement JSON contract of docs/contracts.md, read into {@link Measurement}. Unknown fields
 * are ignored; every problem becomes an {@link IllegalArgumentException} whose message names the
 * field. Thread-safe.
 */
public final class MeasurementJson {

  private static final ObjectReader LINE = Json.MAPPER.readerFor(Line.class);

  private MeasurementJson() {}

  /** Parses one JSON object (one JSONL line). */
  public static Measurement parse(String json, Limits limits) {
    return fromTree(Json.readTree(json), limits);
  }

  /**
   * Binds one JSON object straight to the contract, without the tree {@link #parse} reads first:
   * half the work, for hot paths. Jackson's own exception when the text is no object of the
   * contract's shape (not JSON, an array, a field of the wrong type): read it as a tree then, for
   * the reason in the contract's words.
   */
  public static Measurement bind(String json, Limits limits) throws JsonProcessingException {
    Line line = LINE.readValue(json);
    if (line == null) {
      throw new IllegalArgumentException("expected a JSON object, got NULL");
    }
    return limits.check(line.toMeasurement(limits));
  }

  /**
   * Parses a prediction request: a measurement line whose {@code latencyMs} may be missing, or a
   * candidate line with {@code phase} and {@code contextLength}. Hardware and runtime are optional
   * (null target) but must come together.
   */
  public static LatencyQuery parseQuery(String json, Limits limits) {
    Line line = line(Json.readTree(json));
    if (line.candidate == null) {
      throw new IllegalArgumentException("missing field 'candidate'");
    }
    HardwareTarget target =
        line.hardware == null && line.runtime == null
            ? null
            : new HardwareTarget(line.hardware, line.runtime, line.precision);
    return new LatencyQuery(
        line.candidateId,
        line.candidate.toCandidate(limits),
        target,
        Phase.parse(line.phase),
        limits.checkContextLength(Json.require("contextLength", line.contextLength)),
        line.latencyMs);
  }

  /** A measurement as one JSONL line of docs/contracts.md (the inverse of {@link #parse}). */
  public static String toJson(Measurement m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("candidateId", m.candidateId());
    line.put("candidate", CandidateJson.toMap(m.candidate()));
    line.put("hardware", m.target().hardware());
    line.put("runtime", m.target().runtime());
    if (m.target().precision() != null) {
      line.put("precision", m.target().precision());
    }
    line.put("phase", m.phase().name());
    line.put("contextLength", m.contextLength());
    line.put("latencyMs", m.latencyMs());
    line.put("samplesMs", m.samplesMs());
    line.put("measurementId", m.id());
    if (m.agentId() != null) {
      line.put("agentId", m.agentId());
    }
    if (m.measuredAt() != null) {
      line.put("measuredAt", m.measuredAt().toString());
    }
    if (m.threads() != null) {
      line.put("threads", m.threads());
    }
    if (!m.environment().isEmpty()) {
      line.put("environment", new TreeMap<>(m.environment()));
    }
    try {
      return Json.MAPPER.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a measurement as JSON", e);
    }
  }

  /**
   * Reads an already-parsed JSON object (a JSONL line, a CSV row, an element of an array), within
   * limits.
   */
  public static Measurement fromTree(JsonNode node, Limits limits) {
    return limits.check(line(node).toMeasurement(limits));
  }

  private static Line line(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    Line line;
    try {
      line = Json.MAPPER.treeToValue(node, Line.class);
    } catch (JsonMappingException e) {
      String path =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      throw new IllegalArgumentException(
          "field '" + path + "': " + Json.firstSentence(e.getOriginalMessage()), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(Json.firstSentence(e.getOriginalMessage()), e);
    }
    return line;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Line(
      String measurementId,
      String candidateId,
      CandidateJson.Form candidate,
      String hardware,
      String runtime,
      String precision,
      String phase,
      Integer contextLength,
      Double latencyMs,
      List<Double> samplesMs,
      String agentId,
      String measuredAt,
      Integer threads,
      Map<String, String> environment) {

    Measurement toMeasurement(Limits limits) {
      if (candidate == null) {
        throw new IllegalArgumentException("missing field 'candidate'");
      }
      if (latencyMs == null) {
        throw new IllegalArgumentException("missing field 'latencyMs'");
      }
      if (samplesMs != null && samplesMs.contains(null)) {
        throw new IllegalArgumentException("samplesMs must hold numbers only, got a null");
      }
      return new Measurement(
          measurementId,
          candidateId,
          candidate.toCandidate(limits),
          new HardwareTarget(hardware, runtime, precision),
          Phase.parse(phase),
          Json.require("contextLength", contextLength),
          latencyMs,
          samplesMs,
          agentId,
          parseInstant(measuredAt),
          threads,
          environment);
    }

    private static Instant parseInstant(String text) {
      if (text == null || text.isBlank()) {
        return null;
      }
      try {
        return Instant.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "measuredAt must be an ISO-8601 instant like 2026-11-23T14:05:00Z, got '" + text + "'");
      }
    }
  }
}
