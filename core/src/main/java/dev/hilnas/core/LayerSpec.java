package dev.hilnas.core;

/**
 * One decoder layer: its attention kind, query heads and key/value heads (GQA), and FFN width.
 *
 * <p>A {@link AttentionKind#SKIP} layer has no attention, so its head counts are normalised to 0;
 * two SKIP layers with the same FFN are the same layer whatever heads a source gave them.
 */
public record LayerSpec(AttentionKind attention, int nHeads, int nKvHeads, int ffnDim) {

  public LayerSpec {
    if (attention == null) {
      throw new IllegalArgumentException("attention is required (GLOBAL, LOCAL or SKIP)");
    }
    Require.atLeastOne("ffnDim", ffnDim);
    if (attention == AttentionKind.SKIP) {
      nHeads = 0;
      nKvHeads = 0;
    } else {
      Require.atLeastOne("nHeads", nHeads);
      Require.atLeastOne("nKvHeads", nKvHeads);
      if (nHeads % nKvHeads != 0) {
        throw new IllegalArgumentException(
            "nHeads (" + nHeads + ") must be a multiple of nKvHeads (" + nKvHeads + ")");
      }
    }
  }

  public boolean hasAttention() {
    return attention != AttentionKind.SKIP;
  }
}
