package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PruningsTest {

  private static final Candidate BACKBONE =
      Candidate.builder()
          .layers(4)
          .dModel(64)
          .heads(4, 2)
          .headDim(16)
          .ffnDim(48)
          .vocabSize(256)
          .weightBits(32)
          .build();

  @Test
  void keptLayersDropDeepBlocksButKeepTheLastLayer() {
    assertArrayEquals(new int[] {0, 1, 2, 3}, Prunings.keptLayers(4, 4));
    assertArrayEquals(new int[] {0, 1, 3}, Prunings.keptLayers(3, 4));
    assertArrayEquals(new int[] {0, 3}, Prunings.keptLayers(2, 4));
  }

  @Test
  void shouldSayWhyAWiderCandidateIsNoPruning() {
    assertNull(
        Prunings.incompatibility(
            BACKBONE,
            Candidate.builder()
                .layers(2)
                .dModel(64)
                .heads(2, 1)
                .headDim(16)
                .ffnDim(24)
                .vocabSize(256)
                .attention("GS")
                .weightBits(8)
                .build()));
    assertEquals(
        "layer 0: ffnDim 64 exceeds the backbone's 48",
        Prunings.incompatibility(
            BACKBONE,
            Candidate.builder()
                .layers(2)
                .dModel(64)
                .heads(4, 2)
                .headDim(16)
                .ffnDim(64)
                .vocabSize(256)
                .weightBits(32)
                .build()));
    assertEquals(
        "vocabSize/dModel/headDim must be the backbone's 256/64/16, got 256/128/16",
        Prunings.incompatibility(
            BACKBONE,
            Candidate.builder()
                .layers(2)
                .dModel(128)
                .heads(4, 2)
                .headDim(16)
                .ffnDim(48)
                .vocabSize(256)
                .weightBits(32)
                .build()));
  }
}
