package dev.hilnas.schemas.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Limits;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The candidate JSON contract: the compact form when every layer is alike ({@code layers}, {@code
 * nHeads}, {@code ffnDim}, {@code attention} as one letter per layer), else the per-layer form
 * ({@code layerSpecs}); {@code sourceLayers} when a pruning names the backbone layers it keeps.
 * Thread-safe.
 */
public final class CandidateJson {

  private CandidateJson() {}

  /** The compact form when all layers are alike, else the per-layer form. */
  public static Map<String, Object> toMap(Candidate c) {
    Map<String, Object> out = new LinkedHashMap<>();
    // looked at once: it walks every layer, and devices write it for each measurement they post
    Optional<Candidate.Uniform> uniform = c.uniformShape();
    out.put("layers", c.layerCount());
    out.put("dModel", c.dModel());
    uniform.ifPresent(
        u -> {
          out.put("nHeads", u.nHeads());
          out.put("nKvHeads", u.nKvHeads());
        });
    out.put("headDim", c.headDim());
    uniform.ifPresent(u -> out.put("ffnDim", u.ffnDim()));
    out.put("vocabSize", c.vocabSize());
    out.put("attention", c.attentionPattern());
    out.put("window", c.window());
    out.put("weightBits", c.weightBits());
    if (uniform.isEmpty()) {
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

  /** Reads a candidate in the compact or the per-layer form of docs/contracts.md, within limits. */
  public static Candidate fromTree(JsonNode node, Limits limits) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("candidate must be a JSON object");
    }
    try {
      return Json.MAPPER.treeToValue(node, Form.class).toCandidate(limits);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "candidate: " + Json.firstSentence(e.getOriginalMessage()), e);
    }
  }

  /**
   * Reads a candidate file ({@code agent --once --candidate}, {@code quality --candidate}): one
   * candidate object in UTF-8, within limits.
   *
   * @throws IllegalArgumentException when the file is not UTF-8, not JSON, or not a valid candidate
   * @throws IOException when the file cannot be read
   */
  public static Candidate read(Path file, Limits limits) throws IOException {
    if (Files.isDirectory(file)) { // reading one says "Is a directory" without naming it
      throw new java.nio.file.FileSystemException(file.toString(), null, "a directory, not a file");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + " is not UTF-8 text", e);
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException(file + " is empty: it should hold a candidate object");
    }
    return fromTree(Json.readTree(text), limits);
  }

  /**
   * The candidate in either the compact uniform form or the per-layer form ({@code layerSpecs}).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Form(
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

    Candidate toCandidate(Limits limits) {
      if (layers != null) { // before the compact form makes that many layers
        try {
          limits.checkLayers(layers);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("candidate: " + e.getMessage(), e);
        }
      }
      Candidate c = shape();
      if (sourceLayers == null || sourceLayers.isEmpty()) {
        return limits.check(c); // the common case: no second candidate per parsed line
      }
      try {
        c = c.withSourceLayers(sourceLayers);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("candidate: " + e.getMessage(), e);
      }
      return limits.check(c);
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
              Json.require("vocabSize", vocabSize),
              Json.require("dModel", dModel),
              Json.require("headDim", headDim),
              w,
              bits,
              specs);
        }
        return Candidate.builder()
            .layers(Json.require("layers", layers))
            .dModel(Json.require("dModel", dModel))
            .heads(Json.require("nHeads", nHeads), nKvHeads == null ? nHeads : nKvHeads)
            .headDim(Json.require("headDim", headDim))
            .ffnDim(Json.require("ffnDim", ffnDim))
            .vocabSize(Json.require("vocabSize", vocabSize))
            .attention(attention)
            .window(w)
            .weightBits(bits)
            .build();
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
      int heads = kind == AttentionKind.SKIP && nHeads == null ? 0 : Json.require("nHeads", nHeads);
      int kvHeads = nKvHeads == null ? heads : nKvHeads;
      return new LayerSpec(kind, heads, kvHeads, Json.require("ffnDim", ffnDim));
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
