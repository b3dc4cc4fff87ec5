package dev.hilnas.llm.runtime.gguf;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A candidate as a GGUF model that llama.cpp loads: random weights from a seeded generator in the
 * chosen weight type, a synthetic byte-level vocabulary in which every byte is one token (so a
 * prompt of N ASCII letters is exactly N tokens), and the {@code llama} architecture when every
 * layer is the same, else {@code deci} (per-layer head counts and FFN widths; 0 heads is a layer
 * without attention). Where llama.cpp cannot run the candidate exactly, {@link #approximations()}
 * says what runs instead; those go into every measurement's environment. Immutable.
 */
public final class CandidateGguf {

  /** llama.cpp's default; only numerics depend on it. */
  static final float RMS_EPSILON = 1e-5f;

  /** The one byte every prompt is made of ({@code a}): a token of its own in the vocabulary. */
  public static final char PROMPT_BYTE = 'a';

  /** ggml's byte-level BPE needs the 256 byte tokens. */
  public static final int MIN_VOCAB = 256;

  private final Candidate candidate;
  private final GgmlType weights;
  private final int contextLength;
  private final long seed;
  private final List<LayerSpec> layers;
  private final Map<String, String> approximations = new LinkedHashMap<>();

  /**
   * @param weights Q8_0 or Q4_0 (F16 and F32 also work)
   * @param contextLength the model's trained context, tokens: at least what will be run
   * @param seed the weights' generator seed; the same seed writes the same file
   */
  public CandidateGguf(Candidate candidate, GgmlType weights, int contextLength, long seed) {
    if (candidate.vocabSize() < MIN_VOCAB) {
      throw new IllegalArgumentException(
          "llama.cpp's byte-level vocabulary needs vocabSize >= "
              + MIN_VOCAB
              + ", got "
              + candidate.vocabSize());
    }
    if (candidate.headDim() % 2 != 0) {
      throw new IllegalArgumentException(
          "llama.cpp's RoPE needs an even headDim, got " + candidate.headDim());
    }
    this.candidate = candidate;
    this.weights = weights;
    this.contextLength = contextLength;
    this.seed = seed;
    this.layers = frontAttending(candidate.layers());
    if (candidate.layers().stream().anyMatch(l -> l.attention() == AttentionKind.LOCAL)) {
      // the llama and deci graphs attend causally over the whole cache in every layer
      approximations.put(
          "llama.cpp.local-attention",
          "global: llama.cpp has no per-layer sliding window for llama/deci, window "
              + candidate.window()
              + " not applied");
    }
    java.util.TreeSet<Integer> partial = new java.util.TreeSet<>();
    for (LayerSpec l : layers) {
      for (int rowLength :
          new int[] {candidate.dModel(), l.nHeads() * candidate.headDim(), l.ffnDim()}) {
        if (rowLength > 0 && rowLength % weights.blockSize != 0) {
          partial.add(rowLength);
        }
      }
    }
    if (!partial.isEmpty()) {
      String rows = partial.toString();
      approximations.put(
          "llama.cpp.f16-rows",
          "rows of "
              + (rows.length() > 120 ? rows.substring(0, 117) + "..." : rows)
              + " weights are not whole "
              + weights.label()
              + " blocks: f16");
    }
  }

  /** {@code deci} when layers differ (heads, KV heads, FFN width or skipped attention). */
  public String architecture() {
    return layers.stream().distinct().count() == 1
            && layers.get(0).attention() != AttentionKind.SKIP
        ? "llama"
        : "deci";
  }

  /** What runs in place of the candidate where llama.cpp cannot run it exactly; may be empty. */
  public Map<String, String> approximations() {
    return Map.copyOf(approximations);
  }

  /** Writes the model to {@code file}. */
  public void write(Path file) throws IOException {
    String arch = architecture();
    boolean perLayer = arch.equals("deci");
    int d = candidate.dModel();
    int headDim = candidate.headDim();
    GgufWriter w = new GgufWriter();
    w.putString("general.architecture", arch);
    w.putString("general.name", "hilnas-" + candidate.archId());
    w.putUInt32(
        "general.file_type", weights == GgmlType.Q4_0 ? 2 : weights == GgmlType.Q8_0 ? 7 : 1);
    w.putUInt32(arch + ".vocab_size", candidate.vocabSize());
    w.putUInt32(arch + ".context_length", contextLength);
    w.putUInt32(arch + ".embedding_length", d);
    w.putUInt32(arch + ".block_count", layers.size());
    if (perLayer) {
      w.putInt32Array(
          arch + ".feed_forward_length", layers.stream().mapToInt(LayerSpec::ffnDim).toArray());
      w.putInt32Array(
          arch + ".attention.head_count", layers.stream().mapToInt(LayerSpec::nHeads).toArray());
      w.putInt32Array(
          arch + ".attention.head_count_kv",
          layers.stream().mapToInt(LayerSpec::nKvHeads).toArray());
    } else {
      w.putUInt32(arch + ".feed_forward_length", layers.get(0).ffnDim());
      w.putUInt32(arch + ".attention.head_count", layers.get(0).nHeads());
      w.putUInt32(arch + ".attention.head_count_kv", layers.get(0).nKvHeads());
    }
    w.putUInt32(arch + ".attention.key_length", headDim);
    w.putUInt32(arch + ".attention.value_length", headDim);
    w.putUInt32(arch + ".rope.dimension_count", headDim);
    w.putFloat32(arch + ".rope.freq_base", 10000f);
    w.putFloat32(arch + ".attention.layer_norm_rms_epsilon", RMS_EPSILON);
    vocabulary(w);

    SplittableRandom seeds = new SplittableRandom(seed);
    matrix(w, "token_embd.weight", d, candidate.vocabSize(), seeds);
    w.addTensor("output_norm.weight", GgmlType.F32, new long[] {d}, CandidateGguf::ones);
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      String blk = "blk." + i + ".";
      if (l.hasAttention()) {
        int q = l.nHeads() * headDim;
        int kv = l.nKvHeads() * headDim;
        w.addTensor(blk + "attn_norm.weight", GgmlType.F32, new long[] {d}, CandidateGguf::ones);
        matrix(w, blk + "attn_q.weight", d, q, seeds);
        matrix(w, blk + "attn_k.weight", d, kv, seeds);
        matrix(w, blk + "attn_v.weight", d, kv, seeds);
        matrix(w, blk + "attn_output.weight", q, d, seeds);
      }
      w.addTensor(blk + "ffn_norm.weight", GgmlType.F32, new long[] {d}, CandidateGguf::ones);
      matrix(w, blk + "ffn_gate.weight", d, l.ffnDim(), seeds);
      matrix(w, blk + "ffn_up.weight", d, l.ffnDim(), seeds);
      matrix(w, blk + "ffn_down.weight", l.ffnDim(), d, seeds);
    }
    w.write(file);
  }

  /**
   * A byte-level BPE vocabulary without merges: token {@code b} (b < 256) is byte b in GPT-2's
   * byte-to-unicode mapping, so every byte of a prompt is one token; the rest are filler that no
   * text reaches, and the last is the end-of-text token. No BOS is added, so N bytes are N tokens.
   */
  private void vocabulary(GgufWriter w) {
    int n = candidate.vocabSize();
    List<String> tokens = new ArrayList<>(n);
    int[] types = new int[n];
    for (int i = 0; i < n; i++) {
      if (i < 256) {
        tokens.add(byteToUnicode(i));
        types[i] = 1; // normal
      } else if (i == n - 1) {
        tokens.add("<|endoftext|>");
        types[i] = 3; // control
      } else {
        tokens.add("<|filler" + i + "|>");
        types[i] = 1;
      }
    }
    w.putString("tokenizer.ggml.model", "gpt2");
    w.putString("tokenizer.ggml.pre", "default");
    w.putStringArray("tokenizer.ggml.tokens", tokens);
    w.putInt32Array("tokenizer.ggml.token_type", types);
    w.putStringArray("tokenizer.ggml.merges", List.of());
    w.putUInt32("tokenizer.ggml.bos_token_id", n - 1);
    w.putUInt32("tokenizer.ggml.eos_token_id", n - 1);
    w.putBool("tokenizer.ggml.add_bos_token", false);
    w.putBool("tokenizer.ggml.add_eos_token", false);
  }

  /**
   * GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others for code points from
   * 256 up, in byte order.
   */
  static String byteToUnicode(int b) {
    boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    if (printable) {
      return new String(Character.toChars(b));
    }
    int shifted = 0;
    for (int x = 0; x < b; x++) {
      if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE))) {
        shifted++;
      }
    }
    return new String(Character.toChars(256 + shifted));
  }

  /**
   * A weight matrix of {@code rows} rows of {@code rowLength}, uniform in ±1/sqrt(rowLength) from
   * its own generator split off in file order; F16 when a row is not whole blocks of the type.
   */
  private void matrix(GgufWriter w, String name, int rowLength, int rows, SplittableRandom seeds) {
    GgmlType type = rowLength % weights.blockSize == 0 ? weights : GgmlType.F16;
    SplittableRandom random = seeds.split();
    float scale = (float) (1 / Math.sqrt(rowLength));
    w.addTensor(
        name,
        type,
        new long[] {rowLength, rows},
        (row, out) -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
          }
        });
  }

  private static void ones(long row, float[] out) {
    java.util.Arrays.fill(out, 1f);
  }

  /**
   * The layers in llama.cpp's order: it reads the head size from layer 0, so a candidate whose
   * first layer skips attention runs with its first attending layer moved to the front (latency
   * adds up per layer, whatever the order).
   */
  private List<LayerSpec> frontAttending(List<LayerSpec> original) {
    if (original.get(0).hasAttention()) {
      return original;
    }
    List<LayerSpec> reordered = new ArrayList<>(original);
    int first = 0;
    while (!reordered.get(first).hasAttention()) {
      first++;
    }
    reordered.add(0, reordered.remove(first));
    approximations.put(
        "llama.cpp.layer-order", "layer " + first + " moved first (llama.cpp reads heads from 0)");
    return reordered;
  }
}
