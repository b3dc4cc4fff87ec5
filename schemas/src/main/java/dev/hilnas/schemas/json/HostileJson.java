package dev.hilnas.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a careless or hostile client sends where a JSON contract is expected: valid lines mutated
 * field by field (extreme numbers, NaN and Infinity spellings, wrong types, huge strings and
 * arrays, missing and unexpected fields), lines cut short, deep nesting, random text, and bytes
 * that are not UTF-8. Each seed is valid, so a share of what comes out is valid too.
 *
 * <p>Main code so that both the fuzz tests (through {@code testing}'s jqwik wrapper) and {@code
 * hilnas bench fuzz}, which aims it at a running stack, draw from the same cases. Everything comes
 * from the {@link Random} given, so a seed replays a run. Thread-safe: it holds no state.
 */
public final class HostileJson {
  private HostileJson() {}

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

  /**
   * Text where one JSON object of the contract is expected, in these shares: a seed as it is (1 in
   * 10), a {@linkplain #mutate mutated} seed (6), a seed {@linkplain #cut cut} short (1), random
   * {@linkplain #text text} (1), {@linkplain #nested deep nesting} (1).
   */
  public static String line(List<String> seeds, Random r) {
    int share = r.nextInt(10);
    if (share == 0) {
      return pick(seeds, r);
    } else if (share <= 6) {
      return mutate(pick(seeds, r), r);
    } else if (share == 7) {
      return cut(pick(seeds, r), r);
    } else if (share == 8) {
      return text(r);
    }
    return nested(r);
  }

  /**
   * Bytes where UTF-8 JSON is expected: a {@linkplain #line line} (4 in 6), random bytes (1), a
   * seed with bytes that are {@linkplain #invalidUtf8 not UTF-8} (1).
   */
  public static byte[] bytes(List<String> seeds, Random r) {
    int share = r.nextInt(6);
    if (share < 4) {
      return line(seeds, r).getBytes(StandardCharsets.UTF_8);
    } else if (share == 4) {
      return randomBytes(300, r);
    }
    return invalidUtf8(pick(seeds, r).getBytes(StandardCharsets.UTF_8), r);
  }

  /** One to three fields anywhere in the tree replaced by a hostile value, removed or added. */
  public static String mutate(String seed, Random r) {
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
        case 1 -> target.set("unexpected" + r.nextInt(3), value(r));
        default -> target.set(name, value(r));
      }
    }
    String text = root.toString();
    // Jackson writes NaN and Infinity as strings; a client may send the bare tokens too
    return r.nextInt(8) == 0
        ? text.replace("\"NaN\"", "NaN").replace("\"Infinity\"", "1e999")
        : text;
  }

  /** A hostile value: an extreme or odd number, a NaN or Infinity spelling, a wrong type, … */
  public static JsonNode value(Random r) {
    return HOSTILE_VALUES.get(r.nextInt(HOSTILE_VALUES.size())).deepCopy();
  }

  /** The text cut short anywhere, as a client that dies mid-write leaves it. */
  public static String cut(String text, Random r) {
    return text.substring(0, r.nextInt(text.length()));
  }

  /** Arrays nested 100 to 5,100 deep, closed or left half open. */
  public static String nested(Random r) {
    int depth = 100 + r.nextInt(5000);
    return "[".repeat(depth) + "]".repeat(r.nextBoolean() ? depth : depth / 2);
  }

  /**
   * Up to 200 characters: JSON's own punctuation, control characters, letters and digits, anything
   * in the Basic Multilingual Plane (lone surrogates included).
   */
  public static String text(Random r) {
    String punctuation = "{}[]\":,\\ \t\r\n0123456789.eE+-abcnulltruefalse";
    StringBuilder out = new StringBuilder();
    for (int n = r.nextInt(201); n > 0; n--) {
      out.append(
          switch (r.nextInt(4)) {
            case 0 -> punctuation.charAt(r.nextInt(punctuation.length()));
            case 1 -> (char) r.nextInt(0x20);
            case 2 -> (char) (0x20 + r.nextInt(0x5f));
            default -> (char) r.nextInt(0x10000);
          });
    }
    return out.toString();
  }

  /** Up to {@code maxLength} bytes of anything. */
  public static byte[] randomBytes(int maxLength, Random r) {
    byte[] out = new byte[r.nextInt(maxLength + 1)];
    r.nextBytes(out);
    return out;
  }

  /** The bytes with one to four of them made lone UTF-8 continuation bytes. */
  public static byte[] invalidUtf8(byte[] valid, Random r) {
    byte[] out = valid.clone();
    for (int i = 0; i < 1 + r.nextInt(4); i++) {
      out[r.nextInt(out.length)] = (byte) (0x80 | r.nextInt(0x80));
    }
    return out;
  }

  private static String pick(List<String> seeds, Random r) {
    return seeds.get(r.nextInt(seeds.size()));
  }

  private static void collectObjects(JsonNode node, List<ObjectNode> out) {
    if (node instanceof ObjectNode o) {
      out.add(o);
    }
    node.elements().forEachRemaining(child -> collectObjects(child, out));
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
        f.numberNode(new BigInteger("99999999999999999999999999")),
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
