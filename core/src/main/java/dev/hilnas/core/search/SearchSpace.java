package dev.hilnas.core.search;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Prunings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The prunings of one backbone: which layers to keep (deeper blocks go first, as a prior), a nested
 * FFN width per layer, fewer KV groups and query heads per group (shared by the attending layers),
 * per-layer attention GLOBAL / LOCAL / SKIP, a window, a weight precision — inside user constraints
 * on parameters and KV-cache bytes. A pruning is never larger than its backbone and takes its
 * window from {@code windows}, so with both within the {@link Limits} every candidate proposed is.
 *
 * @param backbone the full architecture; every candidate is a pruning of it
 * @param ffnWidths the widths a layer's FFN may keep, ascending, the largest the backbone's
 * @param windows the LOCAL window lengths, tokens
 * @param weightBits the precisions
 * @param minLayers fewest layers kept
 * @param constraints limits every candidate respects
 * @param limits what every reader of a candidate accepts; the backbone and the windows are checked
 *     against them
 */
public record SearchSpace(
    Candidate backbone,
    List<Integer> ffnWidths,
    List<Integer> windows,
    List<Integer> weightBits,
    int minLayers,
    Constraints constraints,
    Limits limits) {

  /** KV cache entries are fp16 whatever the weight precision (as on-device runtimes keep them). */
  static final int KV_BYTES = 2;

  static final int KV_CONTEXT = 8192;

  /**
   * @param maxParams at most this many parameters, or 0 for no limit
   * @param maxKvCacheBytes at most this many KV-cache bytes at 8k tokens, or 0 for no limit
   */
  public record Constraints(long maxParams, long maxKvCacheBytes) {
    public static final Constraints NONE = new Constraints(0, 0);
  }

  public SearchSpace {
    ffnWidths = List.copyOf(ffnWidths);
    windows = List.copyOf(windows);
    weightBits = List.copyOf(weightBits);
    try {
      limits.check(backbone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "search space: the backbone is beyond the limits (" + e.getMessage() + ")", e);
    }
    for (int w : windows) {
      if (w > limits.maxContextLength()) {
        throw new IllegalArgumentException(
            "search space: window must be at most " + limits.maxContextLength() + ", got " + w);
      }
    }
    if (minLayers < 1 || minLayers > backbone.layerCount()) {
      throw new IllegalArgumentException(
          "minLayers must be in 1.." + backbone.layerCount() + ", got " + minLayers);
    }
  }

  /** The default space of a backbone: FFN widths in eighths down to a quarter, windows 32..128. */
  public static SearchSpace of(Candidate backbone, Constraints constraints, Limits limits) {
    int ffn = backbone.layers().get(0).ffnDim();
    List<Integer> widths = new ArrayList<>();
    for (int eighths = 2; eighths <= 8; eighths++) {
      widths.add(ffn * eighths / 8);
    }
    return new SearchSpace(
        backbone,
        widths,
        List.of(32, 64, 128),
        List.of(16, 8, 4),
        Math.max(1, backbone.layerCount() / 3),
        constraints,
        limits);
  }

  /**
   * A MobileLLM-scale backbone (24 layers, dModel 2048, 32 heads over 8, 32k vocabulary) for
   * latency-only search.
   */
  public static Candidate mobileLlmScale() {
    return Candidate.builder()
        .layers(24)
        .dModel(2048)
        .heads(32, 8)
        .headDim(64)
        .ffnDim(5632)
        .vocabSize(32000)
        .build();
  }

  /**
   * The same prunings with their weights at one precision, the backbone's too: the space of a
   * target whose runtime runs every candidate at that precision.
   */
  public SearchSpace withWeightBits(int bits) {
    return new SearchSpace(
        backbone.withWeightBits(bits),
        ffnWidths,
        windows,
        List.of(bits),
        minLayers,
        constraints,
        limits);
  }

  /**
   * Whether {@code c} is a pruning of the backbone within the constraints, at one of the space's
   * weight precisions or the backbone's.
   */
  public boolean allows(Candidate c) {
    return Prunings.incompatibility(backbone, c) == null
        && (weightBits.contains(c.weightBits()) || c.weightBits() == backbone.weightBits())
        && (constraints.maxParams() == 0 || c.parameterCount() <= constraints.maxParams())
        && (constraints.maxKvCacheBytes() == 0
            || kvCacheBytes(c, KV_CONTEXT) <= constraints.maxKvCacheBytes());
  }

  /** KV-cache bytes at a context: LOCAL layers hold only their window, SKIP layers nothing. */
  public static long kvCacheBytes(Candidate c, int context) {
    long total = 0;
    for (LayerSpec l : c.layers()) {
      if (l.hasAttention()) {
        int tokens = l.attention() == AttentionKind.LOCAL ? Math.min(context, c.window()) : context;
        total += 2L * l.nKvHeads() * c.headDim() * tokens * KV_BYTES;
      }
    }
    return total;
  }

  /**
   * A random pruning (not checked against the constraints): uniform in every choice but which
   * layers go, which follows {@link #dropWeight}.
   */
  public Candidate random(SplittableRandom r) {
    LayerSpec full = backbone.layers().get(0);
    int layers = minLayers + r.nextInt(backbone.layerCount() - minLayers + 1);
    int kv = 1 + r.nextInt(full.nKvHeads());
    int group = 1 + r.nextInt(full.nHeads() / full.nKvHeads());
    boolean uniformFfn = r.nextBoolean();
    int sharedFfn = pick(ffnWidths, r);
    List<LayerSpec> specs = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      AttentionKind kind = i == 0 ? AttentionKind.GLOBAL : AttentionKind.values()[r.nextInt(3)];
      specs.add(new LayerSpec(kind, kv * group, kv, uniformFfn ? sharedFfn : pick(ffnWidths, r)));
    }
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < backbone.layerCount(); i++) {
      kept.add(i);
    }
    while (kept.size() > layers) {
      kept.remove(pickToDrop(kept, r));
    }
    return candidate(pick(windows, r), pick(weightBits, r), specs, kept);
  }

  /**
   * One small step from {@code c}: a layer more or less, one layer's width or attention, the heads,
   * the window, the precision.
   */
  public Candidate mutate(Candidate c, SplittableRandom r) {
    List<LayerSpec> specs = new ArrayList<>(c.layers());
    List<Integer> kept = new ArrayList<>();
    for (int source : Prunings.keptLayers(c, backbone.layerCount())) {
      kept.add(source);
    }
    LayerSpec full = backbone.layers().get(0);
    int window = c.window() == 0 ? pick(windows, r) : c.window();
    int bits = c.weightBits();
    int layer = r.nextInt(specs.size());
    LayerSpec l = specs.get(layer);
    switch (r.nextInt(6)) {
      case 0 -> {
        if (specs.size() > minLayers
            && (r.nextBoolean() || specs.size() == backbone.layerCount())) {
          int drop = pickToDrop(kept, r);
          specs.remove(drop);
          kept.remove(drop);
        } else if (specs.size()
            < backbone.layerCount()) { // a dropped layer comes back, like its neighbour
          List<Integer> dropped = new ArrayList<>();
          for (int i = 0; i < backbone.layerCount(); i++) {
            if (!kept.contains(i)) {
              dropped.add(i);
            }
          }
          int source = dropped.get(r.nextInt(dropped.size()));
          int at = 0;
          while (at < kept.size() && kept.get(at) < source) {
            at++;
          }
          kept.add(at, source);
          specs.add(at, specs.get(Math.max(0, at - 1)));
        }
      }
      case 1 ->
          specs.set(
              layer,
              new LayerSpec(
                  l.attention(), l.nHeads(), l.nKvHeads(), neighbour(ffnWidths, l.ffnDim(), r)));
      case 2 -> {
        AttentionKind kind = AttentionKind.values()[r.nextInt(3)];
        LayerSpec attending =
            specs.stream().filter(LayerSpec::hasAttention).findFirst().orElseThrow();
        specs.set(layer, new LayerSpec(kind, attending.nHeads(), attending.nKvHeads(), l.ffnDim()));
      }
      case 3 -> {
        int kv = 1 + r.nextInt(full.nKvHeads());
        int group = 1 + r.nextInt(full.nHeads() / full.nKvHeads());
        specs.replaceAll(s -> new LayerSpec(s.attention(), kv * group, kv, s.ffnDim()));
      }
      case 4 -> window = neighbour(windows, window, r);
      default -> bits = neighbour(weightBits, bits, r);
    }
    if (specs.stream().noneMatch(LayerSpec::hasAttention)) {
      LayerSpec first = specs.get(0);
      specs.set(
          0, new LayerSpec(AttentionKind.GLOBAL, full.nHeads(), full.nKvHeads(), first.ffnDim()));
    }
    return candidate(window, bits, specs, kept);
  }

  /**
   * How much likelier a layer is dropped than the one before it. On the shipped backbone (bench
   * search's oracles, 3 seeds × 150 measurements) a weak prior (weights 0.5, 1.5, 2.5, ...) left
   * 99% of the best known front unreached in every seed, because most random prunings then broke
   * the model; 8 reached it in 2 of 3; dropping only the deepest-but-last, a rule, in 3 of 3 (77 on
   * average): which layers go is worth under 1% of the front's hypervolume on this backbone.
   */
  static final double DEEPER_FIRST = 8;

  /**
   * The prior on which backbone layer a pruning drops, relative: each layer {@link #DEEPER_FIRST}
   * times likelier than the one before it, the last one seldom (on the shipped backbone, dropping
   * the earliest layers breaks the model and the last one matters most of the deep ones). A prior,
   * not a rule: every layer can go.
   */
  static double dropWeight(int layer, int layers) {
    return layer == layers - 1 ? 0.5 : Math.pow(DEEPER_FIRST, layer);
  }

  /**
   * The position in {@code kept} (backbone layer indices) of a layer to drop, drawn by {@link
   * #dropWeight}.
   */
  private int pickToDrop(List<Integer> kept, SplittableRandom r) {
    double total = 0;
    for (int source : kept) {
      total += dropWeight(source, backbone.layerCount());
    }
    double x = r.nextDouble() * total;
    for (int i = 0; i < kept.size(); i++) {
      x -= dropWeight(kept.get(i), backbone.layerCount());
      if (x < 0) {
        return i;
      }
    }
    return kept.size() - 1;
  }

  /**
   * A pruning keeping the {@code kept} backbone layers; the full depth names none (it is the
   * backbone's).
   */
  private Candidate candidate(int window, int bits, List<LayerSpec> specs, List<Integer> kept) {
    return new Candidate(
        backbone.vocabSize(),
        backbone.dModel(),
        backbone.headDim(),
        window,
        bits,
        specs,
        kept.size() == backbone.layerCount() ? List.of() : kept);
  }

  private static int pick(List<Integer> options, SplittableRandom r) {
    return options.get(r.nextInt(options.size()));
  }

  /** The option next to {@code value} (up or down), or a random one when value is not an option. */
  private static int neighbour(List<Integer> options, int value, SplittableRandom r) {
    int i = options.indexOf(value);
    if (i < 0 || options.size() == 1) {
      return pick(options, r);
    }
    int j = i == 0 ? 1 : i == options.size() - 1 ? i - 1 : i + (r.nextBoolean() ? 1 : -1);
    return options.get(j);
  }
}
