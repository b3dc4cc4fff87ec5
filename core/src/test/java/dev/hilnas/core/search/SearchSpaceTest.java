package dev.hilnas.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Prunings;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

  static final Candidate BACKBONE =
      Candidate.builder()
          .layers(6)
          .dModel(256)
          .heads(8, 2)
          .headDim(32)
          .ffnDim(512)
          .vocabSize(256)
          .weightBits(32)
          .build();
  static final SearchSpace SPACE =
      SearchSpace.of(BACKBONE, SearchSpace.Constraints.NONE, Limits.DEFAULTS);

  @Test
  void randomAndMutatedCandidatesAreAlwaysPruningsOfTheBackbone() {
    SplittableRandom r = new SplittableRandom(1);
    Set<String> seen = new HashSet<>();
    Candidate c = BACKBONE;
    for (int i = 0; i < 2000; i++) {
      Candidate random = SPACE.random(r);
      c = r.nextInt(10) == 0 ? random : SPACE.mutate(c, r);
      assertNull(Prunings.incompatibility(BACKBONE, random), random.toString());
      assertNull(Prunings.incompatibility(BACKBONE, c), c.toString());
      assertTrue(c.layerCount() >= SPACE.minLayers());
      seen.add(c.archId());
    }
    assertTrue(seen.size() > 1000, "mutations explore: " + seen.size() + " distinct of 2000");
  }

  @Test
  void ffnWidthsAreNestedEighthsDownToAQuarter() {
    assertEquals(java.util.List.of(128, 192, 256, 320, 384, 448, 512), SPACE.ffnWidths());
  }

  @Test
  void kvCacheBytesCountLocalLayersByTheirWindowAndSkipLayersNot() {
    Candidate c =
        Candidate.builder()
            .layers(3)
            .dModel(256)
            .heads(8, 2)
            .headDim(32)
            .ffnDim(512)
            .vocabSize(256)
            .attention("GLS")
            .window(64)
            .build();
    // GLOBAL: 2 (K and V) × 2 heads × 32 × 8192 tokens × 2 bytes; LOCAL: the same over 64 tokens
    assertEquals(2L * 2 * 32 * 8192 * 2 + 2L * 2 * 32 * 64 * 2, SearchSpace.kvCacheBytes(c, 8192));
  }

  @Test
  void constraintsOnParametersAndKvCacheExcludeCandidates() {
    Candidate small =
        Candidate.builder()
            .layers(2)
            .dModel(256)
            .heads(2, 1)
            .headDim(32)
            .ffnDim(128)
            .vocabSize(256)
            .attention("GL")
            .window(32)
            .build();
    long params = small.parameterCount();
    SearchSpace tight =
        SearchSpace.of(BACKBONE, new SearchSpace.Constraints(params, 0), Limits.DEFAULTS);
    assertTrue(tight.allows(small));
    assertFalse(tight.allows(BACKBONE));
    SearchSpace noKv =
        SearchSpace.of(
            BACKBONE,
            new SearchSpace.Constraints(0, SearchSpace.kvCacheBytes(small, 8192)),
            Limits.DEFAULTS);
    assertTrue(noKv.allows(small));
    assertFalse(noKv.allows(BACKBONE));
    Candidate otherWidth =
        Candidate.builder()
            .layers(2)
            .dModel(128)
            .heads(2, 1)
            .headDim(32)
            .ffnDim(128)
            .vocabSize(256)
            .build();
    assertFalse(SPACE.allows(otherWidth), "another dModel is no pruning");
  }

  @Test
  void aSpaceAtOneWeightPrecisionProposesAndAllowsOnlyThat() {
    SearchSpace q4 = SPACE.withWeightBits(4);
    SplittableRandom r = new SplittableRandom(5);
    Candidate c = q4.backbone();
    assertEquals(4, c.weightBits());
    for (int i = 0; i < 500; i++) {
      c = i % 10 == 0 ? q4.random(r) : q4.mutate(c, r);
      assertEquals(4, c.weightBits(), c.toString());
    }
    Candidate small = SPACE.random(new SplittableRandom(6));
    assertTrue(q4.allows(small.withWeightBits(4)));
    assertFalse(q4.allows(small.withWeightBits(8)), "a precision the target does not run");
    assertFalse(q4.allows(BACKBONE), "nor the backbone at its own");
    assertTrue(SPACE.allows(BACKBONE), "the space at every precision allows the backbone's");
  }

  @Test
  void dropsDeeperLayersMoreOftenButAnyLayerCanGo() {
    SplittableRandom r = new SplittableRandom(4);
    int[] dropped = new int[BACKBONE.layerCount()];
    for (int i = 0; i < 4000; i++) {
      Candidate c = SPACE.random(r);
      java.util.Set<Integer> kept = new java.util.HashSet<>();
      for (int source : Prunings.keptLayers(c, BACKBONE.layerCount())) {
        kept.add(source);
      }
      for (int layer = 0; layer < dropped.length; layer++) {
        dropped[layer] += kept.contains(layer) ? 0 : 1;
      }
    }
    for (int layer = 1; layer < dropped.length - 1; layer++) {
      assertTrue(
          dropped[layer] > dropped[layer - 1],
          "layer "
              + layer
              + " goes more often than the one before: "
              + java.util.Arrays.toString(dropped));
    }
    assertTrue(dropped[0] > 0 && dropped[dropped.length - 1] > 0, "a prior, not a rule");
    assertTrue(dropped[dropped.length - 1] < dropped[dropped.length - 2], "the last layer seldom");
  }

  @Test
  void shouldProposeOnlyCandidatesWithinTheLimitsWhenTheBackboneIsWithinThem() {
    Limits backboneSized =
        Limits.builder()
            .maxLayers(BACKBONE.layerCount())
            .maxDModel(BACKBONE.dModel())
            .maxVocabSize(BACKBONE.vocabSize())
            .maxHeads(8)
            .maxHeadDim(BACKBONE.headDim())
            .maxFfnDim(512)
            .maxContextLength(128)
            .build();
    SearchSpace space = SearchSpace.of(BACKBONE, SearchSpace.Constraints.NONE, backboneSized);
    SplittableRandom r = new SplittableRandom(2);
    Candidate c = BACKBONE;
    for (int i = 0; i < 2000; i++) {
      c = r.nextInt(10) == 0 ? space.random(r) : space.mutate(c, r);
      backboneSized.check(c);
    }
  }

  @Test
  void shouldRefuseABackboneOrAWindowBeyondTheLimits() {
    IllegalArgumentException deep =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SearchSpace.of(
                    BACKBONE, SearchSpace.Constraints.NONE, Limits.builder().maxLayers(4).build()));
    assertEquals(
        "search space: the backbone is beyond the limits (candidate: layers must be at most 4,"
            + " got 6)",
        deep.getMessage());
    IllegalArgumentException wide =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SearchSpace.of(
                    BACKBONE,
                    SearchSpace.Constraints.NONE,
                    Limits.builder().maxContextLength(64).build()));
    assertEquals("search space: window must be at most 64, got 128", wide.getMessage());
  }
}
