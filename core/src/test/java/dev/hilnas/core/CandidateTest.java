package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CandidateTest {

  private static Candidate compact(String attention, int window) {
    return Candidate.builder()
        .layers(attention.length())
        .dModel(512)
        .heads(8, 2)
        .headDim(64)
        .ffnDim(1536)
        .vocabSize(32000)
        .attention(attention)
        .window(window)
        .build();
  }

  @Test
  void shouldGiveTheSameArchIdToTheCompactAndThePerLayerForm() {
    Candidate fromCompact = compact("GGLS", 512);
    Candidate perLayer =
        new Candidate(
            32000,
            512,
            64,
            512,
            16,
            List.of(
                new LayerSpec(AttentionKind.GLOBAL, 8, 2, 1536),
                new LayerSpec(AttentionKind.GLOBAL, 8, 2, 1536),
                new LayerSpec(AttentionKind.LOCAL, 8, 2, 1536),
                new LayerSpec(AttentionKind.SKIP, 3, 1, 1536)));

    assertEquals(fromCompact, perLayer);
    assertEquals(fromCompact.archId(), perLayer.archId());
  }

  @Test
  void shouldKeepTheArchIdStableAcrossRunsAndMachines() {
    // Pinned: changing the canonical form would orphan every id already stored in Kafka.
    // Expected value computed outside Java: "a" + sha256(
    // "v1|vocab=32000|d=512|hd=64|w=512|bits=16|G8x2x1536|G8x2x1536|L8x2x1536|S0x0x1536")[:16]
    assertEquals("a82116b25e0b84ad6", compact("GGLS", 512).archId());
  }

  @Test
  void shouldIgnoreTheWindowWhenNoLayerIsLocal() {
    assertEquals(compact("GGSG", 128).archId(), compact("GGSG", 4096).archId());
    assertEquals(0, compact("GGSG", 128).window());
  }

  @Test
  void shouldTellArchitecturesApartByAnyLayer() {
    assertNotEquals(compact("GGLS", 512).archId(), compact("GGSL", 512).archId());
    assertNotEquals(compact("GGLS", 512).archId(), compact("GGLS", 256).archId());
  }

  @Test
  void shouldBuildMultiHeadGlobalAttentionAtTheDefaultPrecisionUnlessTold() {
    Candidate c =
        Candidate.builder()
            .layers(2)
            .dModel(512)
            .heads(8)
            .headDim(64)
            .ffnDim(1536)
            .vocabSize(32000)
            .build();
    assertEquals("GG", c.attentionPattern());
    assertEquals(new Candidate.Uniform(8, 8, 1536), c.uniformShape().orElseThrow());
    assertEquals(0, c.window());
    assertEquals(Candidate.DEFAULT_WEIGHT_BITS, c.weightBits());
  }

  @Test
  void shouldNameTheRequiredFieldABuilderWasNotGiven() {
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Candidate.builder()
                    .layers(2)
                    .heads(8, 2)
                    .headDim(64)
                    .ffnDim(1536)
                    .vocabSize(32000)
                    .build());
    assertEquals("dModel is required", missing.getMessage());
    var zero =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Candidate.builder()
                    .layers(0)
                    .dModel(512)
                    .heads(8, 2)
                    .headDim(64)
                    .ffnDim(1536)
                    .vocabSize(32000)
                    .build());
    assertEquals(
        "layers must be >= 1, got 0",
        zero.getMessage(),
        "a field given as 0 is wrong, not missing");
  }

  @Test
  void shouldRejectDModelThatIsNotAMultipleOfHeadDim() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Candidate.builder()
                    .layers(2)
                    .dModel(500)
                    .heads(8, 2)
                    .headDim(64)
                    .ffnDim(1536)
                    .vocabSize(32000)
                    .build());
    assertEquals("dModel (500) must be a multiple of headDim (64)", e.getMessage());
  }

  @Test
  void shouldRejectNHeadsThatIsNotAMultipleOfNKvHeads() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Candidate.builder()
                    .layers(2)
                    .dModel(512)
                    .heads(6, 4)
                    .headDim(64)
                    .ffnDim(1536)
                    .vocabSize(32000)
                    .build());
    assertEquals("nHeads (6) must be a multiple of nKvHeads (4)", e.getMessage());
  }

  @Test
  void shouldRejectAnAttentionStringOfTheWrongLength() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Candidate.builder()
                    .layers(6)
                    .dModel(512)
                    .heads(8, 2)
                    .headDim(64)
                    .ffnDim(1536)
                    .vocabSize(32000)
                    .attention("GGLSL")
                    .window(64)
                    .build());
    assertEquals("attention has 5 letters but layers is 6", e.getMessage());
  }

  @Test
  void shouldRejectAnUnknownAttentionLetter() {
    var e = assertThrows(IllegalArgumentException.class, () -> compact("GQ", 0));
    assertEquals(
        "attention letter 'Q' at position 1 is not one of G (global), L (local window), S (skipped)",
        e.getMessage());
  }

  @Test
  void shouldRejectANonPositiveWindowWhenALayerIsLocal() {
    var e = assertThrows(IllegalArgumentException.class, () -> compact("GL", 0));
    assertEquals("window must be > 0 when any layer is LOCAL, got 0", e.getMessage());
  }

  @Test
  void shouldRejectACandidateThatNeverAttends() {
    var e = assertThrows(IllegalArgumentException.class, () -> compact("SS", 0));
    assertEquals("at least one layer must attend (G or L); all 2 are skipped", e.getMessage());
  }

  @Test
  void shouldCountParametersWithATiedLmHead() {
    // vocab 10, d 8, headDim 4, 2 heads, 1 kv head, ffn 16, layers "GS".
    // embedding 10*8 + final norm 8 = 88
    // G layer: q 8, k 4, v 4 -> 8*(8+4+4) = 128, out 8*8 = 64, norm 8; ffn 3*8*16 = 384, norm 8 ->
    // 592
    // S layer: ffn 384 + norm 8 -> 392
    Candidate c =
        Candidate.builder()
            .layers(2)
            .dModel(8)
            .heads(2, 1)
            .headDim(4)
            .ffnDim(16)
            .vocabSize(10)
            .attention("GS")
            .build();
    assertEquals(88 + 592 + 392, c.parameterCount());
  }

  @Test
  void shouldOfferTheCompactFormOnlyWhenLayersAreUniform() {
    assertEquals(
        new Candidate.Uniform(8, 2, 1536), compact("GLS", 64).uniformShape().orElseThrow());
    Candidate mixed =
        new Candidate(
            32000,
            512,
            64,
            0,
            16,
            List.of(
                new LayerSpec(AttentionKind.GLOBAL, 8, 2, 1536),
                new LayerSpec(AttentionKind.GLOBAL, 8, 2, 1024)));
    assertTrue(mixed.uniformShape().isEmpty());
    assertEquals("GLS", compact("GLS", 64).attentionPattern());
  }

  @Test
  void shouldTellWhichBackboneLayersAPruningKeepsApartOnlyWhenItSays() {
    Candidate unsaid = compact("GGLS", 512);
    assertEquals(
        "a82116b25e0b84ad6",
        unsaid.archId(),
        "ids of candidates that do not say stay as they were");
    Candidate keepsFirst = unsaid.withSourceLayers(List.of(0, 1, 2, 3));
    Candidate keepsLast = unsaid.withSourceLayers(List.of(0, 1, 2, 5));
    assertNotEquals(unsaid.archId(), keepsFirst.archId());
    assertNotEquals(keepsFirst.archId(), keepsLast.archId());
    assertEquals(
        keepsLast.archId(), compact("GGLS", 512).withSourceLayers(List.of(0, 1, 2, 5)).archId());
  }

  @Test
  void shouldRejectSourceLayersThatAreNotOneAscendingIndexPerLayer() {
    var tooFew =
        assertThrows(
            IllegalArgumentException.class,
            () -> compact("GGLS", 512).withSourceLayers(List.of(0, 1)));
    assertEquals("sourceLayers names 2 backbone layers for 4 layers", tooFew.getMessage());
    var unsorted =
        assertThrows(
            IllegalArgumentException.class,
            () -> compact("GGLS", 512).withSourceLayers(List.of(0, 2, 1, 3)));
    assertEquals(
        "sourceLayers must be ascending indices >= 0, got [0, 2, 1, 3]", unsorted.getMessage());
  }
}
