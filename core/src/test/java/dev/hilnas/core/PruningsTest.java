package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PruningsTest {

  private static final Candidate BACKBONE = Candidate.uniform(4, 64, 4, 2, 16, 48, 256, "GGGG", 0, 32);

  @Test
  void keptLayersDropDeepBlocksButKeepTheLastLayer() {
    assertArrayEquals(new int[] {0, 1, 2, 3}, Prunings.keptLayers(4, 4));
    assertArrayEquals(new int[] {0, 1, 3}, Prunings.keptLayers(3, 4));
    assertArrayEquals(new int[] {0, 3}, Prunings.keptLayers(2, 4));
  }

  @Test
  void shouldSayWhyAWiderCandidateIsNoPruning() {
    assertNull(Prunings.incompatibility(BACKBONE, Candidate.uniform(2, 64, 2, 1, 16, 24, 256, "GS", 0, 8)));
    assertEquals("layer 0: ffnDim 64 exceeds the backbone's 48",
        Prunings.incompatibility(BACKBONE, Candidate.uniform(2, 64, 4, 2, 16, 64, 256, "GG", 0, 32)));
    assertEquals("vocabSize/dModel/headDim must be the backbone's 256/64/16, got 256/128/16",
        Prunings.incompatibility(BACKBONE, Candidate.uniform(2, 128, 4, 2, 16, 48, 256, "GG", 0, 32)));
  }
}
