package dev.hilnas.llm.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {

  @TempDir Path dir;

  @Test
  void shouldWriteHeaderMetadataAndTensorsThatReadBack() throws IOException {
    Path file = dir.resolve("t.gguf");
    new GgufWriter()
        .putString("general.architecture", "llama")
        .putUInt32("llama.block_count", 3)
        .putFloat32("llama.eps", 0.5f)
        .putBool("flag", true)
        .putInt32Array("heads", new int[] {4, 0, 2})
        .putStringArray("tokens", List.of("a", "é"))
        .addTensor("norm", GgmlType.F32, new long[] {3}, (r, out) -> fill(out, 1.5f))
        .addTensor("w", GgmlType.Q8_0, new long[] {32, 2}, (r, out) -> fill(out, r + 1))
        .write(file);

    GgufReader gguf = new GgufReader(file);

    assertEquals(GgufWriter.MAGIC, gguf.magic);
    assertEquals(3, gguf.version);
    assertEquals("llama", gguf.metadata.get("general.architecture"));
    assertEquals(32, gguf.metadata.get("general.alignment"));
    assertEquals(3, gguf.metadata.get("llama.block_count"));
    assertEquals(0.5f, gguf.metadata.get("llama.eps"));
    assertEquals(true, gguf.metadata.get("flag"));
    assertEquals(List.of(4, 0, 2), gguf.metadata.get("heads"));
    assertEquals(List.of("a", "é"), gguf.metadata.get("tokens"));
    assertEquals(List.of("norm", "w"), gguf.tensors.stream().map(t -> t.name()).toList());
    assertArrayEquals(new long[] {32, 2}, gguf.tensor("w").dims());
    assertEquals(8, gguf.tensor("w").type());
    assertArrayEquals(
        new float[] {1.5f, 1.5f, 1.5f},
        Quantizer.unpack(GgmlType.F32, gguf.data(gguf.tensor("norm")), 3));
    float[] w = Quantizer.unpack(GgmlType.Q8_0, gguf.data(gguf.tensor("w")), 64);
    // Q8_0 keeps its scale in fp16: 127 * fp16(1/127) is 1 within fp16's precision
    assertEquals(1f, w[0], 1e-3);
    assertEquals(2f, w[63], 1e-3);
  }

  @Test
  void shouldAlignTheDataSectionAndEveryTensorTo32Bytes() throws IOException {
    Path file = dir.resolve("a.gguf");
    new GgufWriter()
        .putString("k", "odd length")
        .addTensor("a", GgmlType.F32, new long[] {3}, (r, out) -> fill(out, 1))
        .addTensor("b", GgmlType.Q4_0, new long[] {32}, (r, out) -> fill(out, 2))
        .addTensor("c", GgmlType.F16, new long[] {5}, (r, out) -> fill(out, 3))
        .write(file);

    GgufReader gguf = new GgufReader(file);

    assertEquals(0, gguf.dataStart % 32);
    // a: 12 bytes -> b at 32; b: one 18-byte block -> c at 64; c: 10 bytes -> file ends at 96
    assertEquals(List.of(0L, 32L, 64L), gguf.tensors.stream().map(t -> t.offset()).toList());
    assertEquals(gguf.dataStart + 96, Files.size(file));
  }

  @Test
  void shouldRefuseRowsThatAreNotWholeBlocks() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GgufWriter().addTensor("w", GgmlType.Q8_0, new long[] {48, 2}, (r, o) -> {}));
    assertEquals("w: rows of 48 weights are not whole Q8_0 blocks", e.getMessage());
  }

  @Test
  void shouldWriteAPerLayerCandidateAsDeciWithPerLayerHeadsAndNoAttentionTensorsWhereSkipped()
      throws IOException {
    Candidate candidate =
        new Candidate(
            300,
            64,
            16,
            0,
            8,
            List.of(
                new LayerSpec(dev.hilnas.core.AttentionKind.GLOBAL, 4, 2, 128),
                new LayerSpec(dev.hilnas.core.AttentionKind.SKIP, 0, 0, 96),
                new LayerSpec(dev.hilnas.core.AttentionKind.GLOBAL, 2, 1, 128)));
    Path file = dir.resolve("deci.gguf");
    CandidateGguf model = new CandidateGguf(candidate, GgmlType.Q4_0, 256, 7);
    model.write(file);

    GgufReader gguf = new GgufReader(file);

    assertEquals("deci", gguf.metadata.get("general.architecture"));
    assertEquals(List.of(4, 0, 2), gguf.metadata.get("deci.attention.head_count"));
    assertEquals(List.of(2, 0, 1), gguf.metadata.get("deci.attention.head_count_kv"));
    assertEquals(List.of(128, 96, 128), gguf.metadata.get("deci.feed_forward_length"));
    assertEquals(16, gguf.metadata.get("deci.attention.key_length"));
    assertEquals(300, ((List<?>) gguf.metadata.get("tokenizer.ggml.tokens")).size());
    assertEquals("a", ((List<?>) gguf.metadata.get("tokenizer.ggml.tokens")).get('a'));
    assertEquals(false, gguf.metadata.get("tokenizer.ggml.add_bos_token"));
    assertTrue(gguf.tensors.stream().noneMatch(t -> t.name().startsWith("blk.1.attn")));
    // ggml's order: the input width first (a row), then the outputs
    assertArrayEquals(new long[] {64, 32}, gguf.tensor("blk.2.attn_q.weight").dims());
    assertArrayEquals(new long[] {96, 64}, gguf.tensor("blk.1.ffn_down.weight").dims());
    assertEquals(2, gguf.tensor("blk.1.ffn_down.weight").type()); // Q4_0
    assertEquals(0, gguf.tensor("output_norm.weight").type()); // F32
    assertEquals(java.util.Map.of(), model.approximations());
  }

  @Test
  void shouldWriteTheSameFileFromTheSameSeed() throws IOException {
    Candidate candidate =
        Candidate.builder()
            .layers(1)
            .dModel(32)
            .heads(2)
            .headDim(16)
            .ffnDim(64)
            .vocabSize(256)
            .attention("G")
            .build();
    Path a = dir.resolve("a.gguf");
    Path b = dir.resolve("b.gguf");
    Path c = dir.resolve("c.gguf");
    new CandidateGguf(candidate, GgmlType.Q8_0, 64, 1).write(a);
    new CandidateGguf(candidate, GgmlType.Q8_0, 64, 1).write(b);
    new CandidateGguf(candidate, GgmlType.Q8_0, 64, 2).write(c);

    assertEquals(-1, Files.mismatch(a, b));
    assertTrue(Files.mismatch(a, c) > 0);
  }

  @Test
  void shouldStoreRowsThatAreNotWholeBlocksAsF16AndSaySo() throws IOException {
    Candidate candidate =
        Candidate.builder()
            .layers(1)
            .dModel(32)
            .heads(2)
            .headDim(16)
            .ffnDim(48)
            .vocabSize(256)
            .attention("G")
            .build();
    CandidateGguf model = new CandidateGguf(candidate, GgmlType.Q8_0, 64, 1);
    Path file = dir.resolve("f16.gguf");
    model.write(file);

    GgufReader gguf = new GgufReader(file);

    assertEquals(1, gguf.tensor("blk.0.ffn_down.weight").type());
    assertEquals(8, gguf.tensor("blk.0.ffn_up.weight").type());
    assertEquals(
        "rows of [48] weights are not whole q8_0 blocks: f16",
        model.approximations().get("llama.cpp.f16-rows"));
  }

  private static void fill(float[] out, float v) {
    java.util.Arrays.fill(out, v);
  }
}
