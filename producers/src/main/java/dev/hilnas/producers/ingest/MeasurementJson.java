package dev.hilnas.producers.ingest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.LatencyQuery;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Measurement JSON contract of DESIGN.md §5, read into {@link Measurement}. Unknown fields are
 * ignored; every problem becomes an {@link IllegalArgumentException} whose message names the field.
 * Thread-safe.
 */
public final class MeasurementJson {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private MeasurementJson() {}

  /** Parses one JSON object (one JSONL line). */
  public static Measurement parse(String json) {
    return fromTree(readTree(json));
  }

  /**
   * Parses a prediction request: a measurement line whose {@code latencyMs} may be missing, or a
   * candidate line with {@code phase} and {@code contextLength}. Hardware and runtime are optional
   * (null target) but must come together.
   */
  public static LatencyQuery parseQuery(String json) {
    Line line = line(readTree(json));
    if (line.candidate == null) {
      throw new IllegalArgumentException("missing field 'candidate'");
    }
    HardwareTarget target =
        line.hardware == null && line.runtime == null
            ? null
            : new HardwareTarget(line.hardware, line.runtime, line.precision);
    return new LatencyQuery(
        line.candidateId,
        line.candidate.toCandidate(),
        target,
        Phase.parse(line.phase),
        require("contextLength", line.contextLength),
        line.latencyMs);
  }

  /** A measurement as one JSONL line of DESIGN.md §5 (the inverse of {@link #parse}). */
  public static String toJson(Measurement m) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("candidateId", m.candidateId());
    line.put("candidate", candidateJson(m.candidate()));
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
      line.put("environment", new java.util.TreeMap<>(m.environment()));
    }
    try {
      return MAPPER.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a measurement as JSON", e);
    }
  }

  /** The compact form when all layers are alike, else the per-layer form. */
  public static Map<String, Object> candidateJson(Candidate c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("layers", c.layerCount());
    out.put("dModel", c.dModel());
    c.uniformShape()
        .ifPresentOrElse(
            u -> {
              out.put("nHeads", u.nHeads());
              out.put("nKvHeads", u.nKvHeads());
            },
            () -> {});
    out.put("headDim", c.headDim());
    c.uniformShape().ifPresent(u -> out.put("ffnDim", u.ffnDim()));
    out.put("vocabSize", c.vocabSize());
    out.put("attention", c.attentionPattern());
    out.put("window", c.window());
    out.put("weightBits", c.weightBits());
    if (c.uniformShape().isEmpty()) {
      List<Map<String, Object>> specs = new ArrayList<>();
      for (LayerSpec l : c.layers()) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("attention", l.attention().name());
        spec.put("nHeads", l.nHeads());
        spec.put("nKvHeads", l.nKvHeads());
        spec.put("ffnDim", l.ffnDim());
        specs.add(spec);
      }
      out.put("layerSpecs", specs);
    }
    if (!c.sourceLayers().isEmpty()) {
      out.put("sourceLayers", c.sourceLayers());
    }
    return out;
  }

  /** Reads a candidate in the compact or the per-layer form of DESIGN.md §3. */
  public static Candidate candidateFromTree(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("candidate must be a JSON object");
    }
    try {
      return MAPPER.treeToValue(node, CandidateJson.class).toCandidate();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("candidate: " + firstSentence(e.getOriginalMessage()), e);
    }
  }

  static JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + withoutLocation(e.getOriginalMessage()), e);
    }
  }

  /** Reads an already-parsed JSON object (a JSONL line, a CSV row, an element of an array). */
  public static Measurement fromTree(JsonNode node) {
    return line(node).toMeasurement();
  }

  private static Line line(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    Line line;
    try {
      line = MAPPER.treeToValue(node, Line.class);
    } catch (JsonMappingException e) {
      String path =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      throw new IllegalArgumentException(
          "field '" + path + "': " + firstSentence(e.getOriginalMessage()), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(firstSentence(e.getOriginalMessage()), e);
    }
    return line;
  }

  /** Jackson appends where in the source it was; the line number already says that. */
  private static String withoutLocation(String message) {
    return firstSentence(message).replaceAll("\\s*\\(start marker at \\[Source:.*$", "");
  }

  private static String firstSentence(String message) {
    int cut = message.indexOf('\n');
    return cut < 0 ? message : message.substring(0, cut);
  }

  static int require(String field, Integer value) {
    if (value == null) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return value;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Line(
      String measurementId,
      String candidateId,
      CandidateJson candidate,
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

    Measurement toMeasurement() {
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
          candidate.toCandidate(),
          new HardwareTarget(hardware, runtime, precision),
          Phase.parse(phase),
          require("contextLength", contextLength),
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

  /** The candidate in either the compact uniform form or the per-layer form ({@code layerSpecs}). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record CandidateJson(
      Integer layers,
      Integer dModel,
      Integer nHeads,
      Integer nKvHeads,
      Integer headDim,
      Integer ffnDim,
      Integer vocabSize,
      String attention,
      Integer window,
      Integer weightBits,
      List<LayerJson> layerSpecs,
      List<Integer> sourceLayers) {

    Candidate toCandidate() {
      Candidate c = shape();
      if (sourceLayers == null || sourceLayers.isEmpty()) {
        return c; // the common case: no second candidate per parsed line
      }
      try {
        return c.withSourceLayers(sourceLayers);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("candidate: " + e.getMessage(), e);
      }
    }

    private Candidate shape() {
      int bits = weightBits == null ? Candidate.DEFAULT_WEIGHT_BITS : weightBits;
      int w = window == null ? 0 : window;
      try {
        if (layerSpecs != null && !layerSpecs.isEmpty()) {
          List<LayerSpec> specs = new ArrayList<>(layerSpecs.size());
          for (int i = 0; i < layerSpecs.size(); i++) {
            try {
              specs.add(layerSpecs.get(i).toLayerSpec());
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException("layerSpecs[" + i + "]: " + e.getMessage(), e);
            }
          }
          if (layers != null && layers != specs.size()) {
            throw new IllegalArgumentException(
                "layers is " + layers + " but layerSpecs has " + specs.size() + " entries");
          }
          return new Candidate(
              require("vocabSize", vocabSize), require("dModel", dModel),
              require("headDim", headDim), w, bits, specs);
        }
        return Candidate.uniform(
            require("layers", layers),
            require("dModel", dModel),
            require("nHeads", nHeads),
            nKvHeads == null ? nHeads : nKvHeads,
            require("headDim", headDim),
            require("ffnDim", ffnDim),
            require("vocabSize", vocabSize),
            attention,
            w,
            bits);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("candidate: " + e.getMessage(), e);
      }
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record LayerJson(String attention, Integer nHeads, Integer nKvHeads, Integer ffnDim) {
    LayerSpec toLayerSpec() {
      if (attention == null || attention.isBlank()) {
        throw new IllegalArgumentException("missing field 'attention'");
      }
      AttentionKind kind =
          attention.length() == 1
              ? AttentionKind.ofLetter(attention.charAt(0), 0)
              : parseKind(attention);
      int heads = kind == AttentionKind.SKIP && nHeads == null ? 0 : require("nHeads", nHeads);
      int kvHeads = nKvHeads == null ? heads : nKvHeads;
      return new LayerSpec(kind, heads, kvHeads, require("ffnDim", ffnDim));
    }

    private static AttentionKind parseKind(String text) {
      try {
        return AttentionKind.valueOf(text.trim().toUpperCase());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "attention must be GLOBAL, LOCAL or SKIP (or G, L, S), got '" + text + "'");
      }
    }
  }
}
