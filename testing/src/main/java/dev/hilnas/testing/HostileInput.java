package dev.hilnas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hilnas.schemas.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * What a careless or hostile client sends, for the fuzzer of every input path: valid lines of a
 * contract mutated field by field (extreme numbers, NaN and Infinity spellings, wrong types, huge
 * strings and arrays, deep nesting, missing fields), lines cut short, random text, and bytes that
 * are not UTF-8. Each seed line is valid, so a share of what comes out is valid too.
 */
public final class HostileInput {
  private HostileInput() {}

  /** Valid measurement lines (two targets, compact and per-layer candidates). */
  public static final List<String> MEASUREMENTS =
      List.of(
          "{\"candidateId\":\"s0000\",\"candidate\":{\"layers\":8,\"dModel\":320,\"nHeads\":5,"
              + "\"nKvHeads\":1,\"headDim\":64,\"ffnDim\":1408,\"vocabSize\":8000,"
              + "\"attention\":\"GGGGGGGG\",\"window\":64},\"hardware\":\"x86-1thread-numpy\","
              + "\"runtime\":\"numpy-openblas-fp32\",\"phase\":\"PREFILL\",\"contextLength\":64,"
              + "\"latencyMs\":45.1959,\"samplesMs\":[44.8415,45.1959,52.3545]}",
          "{\"measurementId\":\"m-1\",\"candidate\":{\"layers\":2,\"dModel\":128,\"headDim\":32,"
              + "\"vocabSize\":256,\"window\":16,\"weightBits\":8,\"layerSpecs\":["
              + "{\"attention\":\"GLOBAL\",\"nHeads\":4,\"nKvHeads\":2,\"ffnDim\":256},"
              + "{\"attention\":\"L\",\"nHeads\":2,\"nKvHeads\":1,\"ffnDim\":128}]},"
              + "\"hardware\":\"pixel8-cpu\",\"runtime\":\"executorch\",\"precision\":\"int8\","
              + "\"phase\":\"DECODE\",\"contextLength\":2048,\"latencyMs\":3.5,"
              + "\"agentId\":\"lab-phone-1\",\"measuredAt\":\"2026-11-23T14:05:00Z\",\"threads\":4,"
              + "\"environment\":{\"os\":\"android-15\"}}");

  /** Valid quality lines. */
  public static final List<String> QUALITY =
      List.of(
          "{\"candidateId\":\"s0000\",\"candidate\":{\"layers\":8,\"dModel\":320,\"nHeads\":5,"
              + "\"nKvHeads\":1,\"headDim\":64,\"ffnDim\":1408,\"vocabSize\":8000,"
              + "\"attention\":\"GGGGGGGG\",\"window\":64},\"metric\":\"perplexity\","
              + "\"value\":31.749,\"dataset\":\"synthetic-sample\",\"evaluator\":\"sample\"}");

  /** Valid candidates, as in a candidate file or a predict request. */
  public static final List<String> CANDIDATES =
      List.of(
          "{\"layers\":4,\"dModel\":256,\"nHeads\":4,\"nKvHeads\":2,\"headDim\":64,"
              + "\"ffnDim\":768,\"vocabSize\":8000,\"attention\":\"GLSG\",\"window\":64}",
          "{\"layers\":3,\"dModel\":256,\"nHeads\":8,\"nKvHeads\":2,\"headDim\":32,"
              + "\"ffnDim\":512,\"vocabSize\":256,\"sourceLayers\":[0,2,5]}");

  /** Values a field may be replaced with: each breaks some assumption somewhere. */
  private static final List<JsonNode> HOSTILE_VALUES = hostileValues();

  /** Text a client may send where one JSON object of the contract is expected. */
  public static Arbitrary<String> lines(List<String> seeds) {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.of(seeds)),
        net.jqwik.api.Tuple.of(6, Arbitraries.randoms().map(r -> mutate(pick(seeds, r), r))),
        net.jqwik.api.Tuple.of(1, Arbitraries.randoms().map(r -> cut(pick(seeds, r), r))),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(200)),
        net.jqwik.api.Tuple.of(1, Arbitraries.randoms().map(HostileInput::nested)));
  }

  /** Bytes a client may send where UTF-8 JSON is expected: lines, and some not UTF-8 at all. */
  public static Arbitrary<byte[]> bytes(List<String> seeds) {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, lines(seeds).map(s -> s.getBytes(StandardCharsets.UTF_8))),
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
        net.jqwik.api.Tuple.of(
            1,
            Arbitraries.randoms()
                .map(r -> invalidUtf8(pick(seeds, r).getBytes(StandardCharsets.UTF_8), r))));
  }

  private static String pick(List<String> seeds, Random r) {
    return seeds.get(r.nextInt(seeds.size()));
  }

  /** One to three fields anywhere in the tree replaced, removed or added. */
  static String mutate(String seed, Random r) {
    JsonNode root = Json.readTree(seed);
    int edits = 1 + r.nextInt(3);
    for (int i = 0; i < edits; i++) {
      List<ObjectNode> objects = new ArrayList<>();
      collectObjects(root, objects);
      ObjectNode target = objects.get(r.nextInt(objects.size()));
      List<String> names = new ArrayList<>();
      target.fieldNames().forEachRemaining(names::add);
      String name = names.isEmpty() ? "extra" : names.get(r.nextInt(names.size()));
      switch (r.nextInt(4)) {
        case 0 -> target.remove(name);
        case 1 -> target.set("unexpected" + r.nextInt(3), hostile(r));
        default -> target.set(name, hostile(r));
      }
    }
    String text = root.toString();
    // Jackson writes NaN and Infinity as strings; a client may send the bare tokens too
    return r.nextInt(8) == 0
        ? text.replace("\"NaN\"", "NaN").replace("\"Infinity\"", "1e999")
        : text;
  }

  private static void collectObjects(JsonNode node, List<ObjectNode> out) {
    if (node instanceof ObjectNode o) {
      out.add(o);
    }
    node.elements().forEachRemaining(child -> collectObjects(child, out));
  }

  private static JsonNode hostile(Random r) {
    return HOSTILE_VALUES.get(r.nextInt(HOSTILE_VALUES.size())).deepCopy();
  }

  private static String cut(String seed, Random r) {
    return seed.substring(0, r.nextInt(seed.length()));
  }

  private static String nested(Random r) {
    int depth = 100 + r.nextInt(5000);
    return "[".repeat(depth) + "]".repeat(r.nextBoolean() ? depth : depth / 2);
  }

  private static byte[] invalidUtf8(byte[] valid, Random r) {
    byte[] out = valid.clone();
    for (int i = 0; i < 1 + r.nextInt(4); i++) {
      out[r.nextInt(out.length)] = (byte) (0x80 | r.nextInt(0x80)); // a lone continuation byte
    }
    return out;
  }

  private static List<JsonNode> hostileValues() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ArrayNode bigArray = f.arrayNode();
    for (int i = 0; i < 10_000; i++) {
      bigArray.add(i);
    }
    return List.of(
        f.numberNode(1e308),
        f.numberNode(-1e308),
        f.numberNode(4.9e-324),
        f.numberNode(0),
        f.numberNode(-1),
        f.numberNode(Integer.MAX_VALUE),
        f.numberNode(Long.MIN_VALUE),
        f.numberNode(new java.math.BigInteger("99999999999999999999999999")),
        f.numberNode(2.5),
        f.textNode("NaN"),
        f.textNode("Infinity"),
        f.textNode("-Infinity"),
        f.textNode(""),
        f.textNode("x".repeat(100_000)),
        f.textNode("\u0000\uFFFF\uD800"),
        f.nullNode(),
        f.booleanNode(true),
        f.objectNode(),
        f.arrayNode(),
        bigArray);
  }
}
