package dev.hilnas.core;

import java.util.stream.IntStream;

/**
 * Which architectures are prunings of which, and which backbone layers a pruning keeps: the shape
 * rules that the search (choosing prunings) and the LLM runtime (cutting the weights) share.
 */
public final class Prunings {

  private Prunings() {}

  /**
   * Which backbone layers the candidate keeps: the ones it names, else {@link #keptLayers(int,
   * int)}.
   */
  public static int[] keptLayers(Candidate c, int backboneLayers) {
    return c.sourceLayers().isEmpty()
        ? keptLayers(c.layerCount(), backboneLayers)
        : c.sourceLayers().stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Which backbone layers a candidate of {@code layers} layers keeps when it does not say: it drops
   * the deepest blocks but the last layer, which reads out to the LM head (see the depth experiment
   * in PruningTest and the README).
   */
  public static int[] keptLayers(int layers, int backboneLayers) {
    if (layers == backboneLayers || layers == 1) {
      return IntStream.range(0, layers).toArray();
    }
    int[] kept = IntStream.range(0, layers).toArray();
    kept[layers - 1] = backboneLayers - 1;
    return kept;
  }

  /** Why {@code c} is not a pruning of the architecture {@code b}, or null when it is one. */
  public static String incompatibility(Candidate b, Candidate c) {
    LayerSpec full = b.layers().get(0);
    if (c.vocabSize() != b.vocabSize() || c.dModel() != b.dModel() || c.headDim() != b.headDim()) {
      return "vocabSize/dModel/headDim must be the backbone's "
          + b.vocabSize()
          + "/"
          + b.dModel()
          + "/"
          + b.headDim()
          + ", got "
          + c.vocabSize()
          + "/"
          + c.dModel()
          + "/"
          + c.headDim();
    }
    if (c.layerCount() > b.layerCount()) {
      return c.layerCount() + " layers; the backbone has " + b.layerCount();
    }
    if (!c.sourceLayers().isEmpty() && c.sourceLayers().get(c.layerCount() - 1) >= b.layerCount()) {
      return "sourceLayers "
          + c.sourceLayers()
          + " name a layer the backbone's "
          + b.layerCount()
          + " do not have";
    }
    int group = full.nHeads() / full.nKvHeads();
    for (int i = 0; i < c.layerCount(); i++) {
      LayerSpec l = c.layers().get(i);
      if (l.ffnDim() > full.ffnDim()) {
        return "layer " + i + ": ffnDim " + l.ffnDim() + " exceeds the backbone's " + full.ffnDim();
      }
      if (l.hasAttention()
          && (l.nKvHeads() > full.nKvHeads() || l.nHeads() / l.nKvHeads() > group)) {
        return "layer "
            + i
            + ": "
            + l.nHeads()
            + " heads over "
            + l.nKvHeads()
            + " KV heads is not a subset of the backbone's "
            + full.nHeads()
            + " over "
            + full.nKvHeads();
      }
    }
    return null;
  }
}
