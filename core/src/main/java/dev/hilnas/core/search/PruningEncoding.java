package dev.hilnas.core.search;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.moeaframework.core.Solution;
import org.moeaframework.core.variable.EncodingUtils;
import org.moeaframework.core.variable.RealVariable;

/**
 * The prunings of a {@link SearchSpace} as MOEA Framework integer variables (real variables read by
 * their floor, so MOEA's real-valued operators apply): layers kept, KV heads, query heads per KV
 * head, window, precision, then one FFN width and one attention kind per backbone layer slot (the
 * slots past the layers kept are carried, unused). A pruning keeps the backbone's first layers and
 * its last ({@link dev.hilnas.core.Prunings#keptLayers(int, int)}). Immutable.
 */
final class PruningEncoding {

  private static final int HEADER = 5;

  private final SearchSpace space;
  private final int slots;

  PruningEncoding(SearchSpace space) {
    this.space = space;
    this.slots = space.backbone().layerCount();
  }

  int variables() {
    return HEADER + 2 * slots;
  }

  /** An unset solution: every variable at its lower bound. */
  Solution newSolution(int objectives) {
    LayerSpec full = space.backbone().layers().get(0);
    Solution s = new Solution(variables(), objectives);
    s.setVariable(0, EncodingUtils.newInt(space.minLayers(), slots));
    s.setVariable(1, EncodingUtils.newInt(1, full.nKvHeads()));
    s.setVariable(2, EncodingUtils.newInt(1, full.nHeads() / full.nKvHeads()));
    s.setVariable(3, EncodingUtils.newInt(0, space.windows().size() - 1));
    s.setVariable(4, EncodingUtils.newInt(0, space.weightBits().size() - 1));
    for (int i = 0; i < slots; i++) {
      s.setVariable(HEADER + i, EncodingUtils.newInt(0, space.ffnWidths().size() - 1));
      s.setVariable(HEADER + slots + i, EncodingUtils.newInt(0, AttentionKind.values().length - 1));
    }
    return s;
  }

  /** A solution uniform in every variable, drawn from MOEA Framework's PRNG. */
  Solution random(int objectives) {
    Solution s = newSolution(objectives);
    for (int i = 0; i < s.getNumberOfVariables(); i++) {
      s.getVariable(i).randomize();
    }
    return s;
  }

  Candidate decode(Solution s) {
    Candidate backbone = space.backbone();
    int layers = gene(s, 0);
    int kv = gene(s, 1);
    int group = gene(s, 2);
    int window = space.windows().get(gene(s, 3));
    int bits = space.weightBits().get(gene(s, 4));
    List<LayerSpec> specs = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      AttentionKind kind =
          i == 0 ? AttentionKind.GLOBAL : AttentionKind.values()[gene(s, HEADER + slots + i)];
      specs.add(new LayerSpec(kind, kv * group, kv, space.ffnWidths().get(gene(s, HEADER + i))));
    }
    return new Candidate(
        backbone.vocabSize(), backbone.dModel(), backbone.headDim(), window, bits, specs);
  }

  /**
   * The solution that decodes to {@code c}, or empty when none does (say, a pruning that names
   * which layers it keeps). Unused slots repeat the last layer's choices, as a layer that comes
   * back does in {@link SearchSpace#mutate}; a candidate without LOCAL layers gets the first
   * window.
   */
  Optional<Solution> encode(Candidate c, int objectives) {
    LayerSpec attending =
        c.layers().stream().filter(LayerSpec::hasAttention).findFirst().orElseThrow();
    int[] genes = new int[variables()];
    genes[0] = c.layerCount();
    genes[1] = attending.nKvHeads();
    genes[2] = attending.nHeads() / attending.nKvHeads();
    genes[3] = Math.max(0, space.windows().indexOf(c.window()));
    genes[4] = space.weightBits().indexOf(c.weightBits());
    for (int i = 0; i < slots; i++) {
      LayerSpec l = c.layers().get(Math.min(i, c.layerCount() - 1));
      genes[HEADER + i] = space.ffnWidths().indexOf(l.ffnDim());
      genes[HEADER + slots + i] = l.attention().ordinal();
    }
    Solution s = newSolution(objectives);
    for (int i = 0; i < genes.length; i++) {
      RealVariable v = (RealVariable) s.getVariable(i);
      if (genes[i] < v.getLowerBound() || genes[i] >= v.getUpperBound()) {
        return Optional.empty();
      }
      v.setValue(genes[i]);
    }
    return decode(s).equals(c) ? Optional.of(s) : Optional.empty();
  }

  private static int gene(Solution s, int i) {
    return EncodingUtils.getInt(s.getVariable(i));
  }
}
