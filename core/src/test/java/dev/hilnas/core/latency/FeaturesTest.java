package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Phase;
import org.junit.jupiter.api.Test;

class FeaturesTest {

  private static final double EXACT = 1e-15;

  /** Two layers, one global and one local (window 2); d=8, headDim 4, 2 heads, 1 kv head, f=16. */
  private static final Candidate TINY =
      Candidate.builder()
          .layers(2)
          .dModel(8)
          .heads(2, 1)
          .headDim(4)
          .ffnDim(16)
          .vocabSize(10)
          .attention("GL")
          .window(2)
          .build();

  @Test
  void shouldCountPrefillWorkByHand() {
    // T = 3 tokens. Pairs: global 1+2+3 = 6; local min(i,2) = 1+2+2 = 5.
    // projections per layer d*(2q+2kv) = 8*(16+8) = 192 MACs/token, two layers: 384
    // FFN per layer 3*8*16 = 384 MACs/token, two layers: 768
    // attention (6 + 5) pairs * 2 heads * (4*4 + 5) = 462 ops
    // LM head 8*10 = 80 MACs/token
    // weights 10*8 + 2*384 + 2*192 = 1232 at 2 bytes
    // K and V written (and so resident): 2 * 4 * 3 tokens * 2 layers = 48 elements at 2 bytes
    // element-wise per token: 8 + 2*(16 + 32) + 2*(16 + 8 + 4) = 160, read and written at 2 bytes
    double[] expected = {
      1, 2, 2, 2 * 3 * 384e-9, 2 * 3 * 768e-9, 462e-9, 2 * 3 * 80e-9, 2464e-6, 96e-6, 1920e-6, 96e-6
    };
    assertArrayEquals(expected, Features.of(TINY, Phase.PREFILL, 3), EXACT);
  }

  @Test
  void shouldCountDecodeWorkAgainstTheCacheByHand() {
    // one token, cache of 3: the global layer attends 4 keys, the local one min(4, 2) = 2;
    // both hold all 4 keys afterwards
    double[] expected = {
      1,
      2,
      2,
      2 * 384e-9,
      2 * 768e-9,
      (4 + 2) * 2 * 21e-9,
      2 * 80e-9,
      2464e-6,
      2 * 4 * (4 + 2) * 2e-6,
      2 * 160 * 2e-6,
      2 * 4 * (4 + 4) * 2e-6
    };
    assertArrayEquals(expected, Features.of(TINY, Phase.DECODE, 3), EXACT);
  }

  @Test
  void shouldGiveSkippedLayersOnlyTheirFfn() {
    Candidate skipped =
        Candidate.builder()
            .layers(2)
            .dModel(8)
            .heads(2, 1)
            .headDim(4)
            .ffnDim(16)
            .vocabSize(10)
            .attention("GS")
            .build();
    Candidate single =
        Candidate.builder()
            .layers(1)
            .dModel(8)
            .heads(2, 1)
            .headDim(4)
            .ffnDim(16)
            .vocabSize(10)
            .build();
    double[] withSkip = Features.of(skipped, Phase.PREFILL, 5);
    double[] without = Features.of(single, Phase.PREFILL, 5);
    assertEquals(without[2], withSkip[2], "attention layers");
    assertEquals(without[3], withSkip[3], EXACT, "projections");
    assertEquals(without[5], withSkip[5], EXACT, "attention");
    assertEquals(2 * without[4], withSkip[4], EXACT, "FFN doubles");
  }

  @Test
  void shouldPriceWeightsAtTheCandidatesPrecision() {
    Candidate fp16 =
        Candidate.builder()
            .layers(2)
            .dModel(8)
            .heads(2, 1)
            .headDim(4)
            .ffnDim(16)
            .vocabSize(10)
            .attention("GL")
            .window(2)
            .weightBits(16)
            .build();
    Candidate int4 =
        Candidate.builder()
            .layers(2)
            .dModel(8)
            .heads(2, 1)
            .headDim(4)
            .ffnDim(16)
            .vocabSize(10)
            .attention("GL")
            .window(2)
            .weightBits(4)
            .build();
    assertEquals(
        Features.of(fp16, Phase.DECODE, 3)[7] / 4, Features.of(int4, Phase.DECODE, 3)[7], EXACT);
  }

  @Test
  void shouldCountCausalPairsWithAndWithoutWindow() {
    assertEquals(10, Features.causalPairs(4, 4));
    assertEquals(10, Features.causalPairs(4, 100));
    assertEquals(1 + 2 + 2 + 2, Features.causalPairs(4, 2));
    assertEquals(4, Features.causalPairs(4, 1));
  }
}
