package dev.hilnas.core;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A decoder-only Llama-style architecture in its normalised per-layer form.
 *
 * <p>Immutable and thread-safe. Two candidates describe the same architecture exactly when they are
 * equal, and then they have the same {@link #archId()}: SKIP layers carry no heads, and the window
 * is 0 unless some layer is LOCAL.
 *
 * @param vocabSize tokens in the vocabulary; the LM head is tied to the embedding (MobileLLM)
 * @param dModel hidden width
 * @param headDim width of one attention head
 * @param window sliding-window length in tokens for LOCAL layers; 0 when no layer is LOCAL
 * @param weightBits weight precision, one of 32, 16, 8, 4 (a quantisation knob of the search)
 * @param layers the layers, first to last; never empty
 * @param sourceLayers for a pruning of a deeper backbone, the backbone layer each layer inherits
 *     its weights from, ascending; empty when not said (then a pruning keeps the first layers and
 *     the last). Which layers are kept changes quality, not latency.
 */
public record Candidate(
    int vocabSize,
    int dModel,
    int headDim,
    int window,
    int weightBits,
    List<LayerSpec> layers,
    List<Integer> sourceLayers) {

  /** The weight precision when a source does not say. */
  public static final int DEFAULT_WEIGHT_BITS = 16;

  private static final Set<Integer> WEIGHT_BITS = Set.of(32, 16, 8, 4);

  public Candidate {
    Require.atLeastOne("vocabSize", vocabSize);
    Require.atLeastOne("dModel", dModel);
    Require.atLeastOne("headDim", headDim);
    if (dModel % headDim != 0) {
      throw new IllegalArgumentException(
          "dModel (" + dModel + ") must be a multiple of headDim (" + headDim + ")");
    }
    if (!WEIGHT_BITS.contains(weightBits)) {
      throw new IllegalArgumentException(
          "weightBits must be one of 32, 16, 8, 4, got " + weightBits);
    }
    if (layers == null || layers.isEmpty()) {
      throw new IllegalArgumentException("a candidate needs at least one layer");
    }
    layers = List.copyOf(layers);
    if (layers.stream().noneMatch(LayerSpec::hasAttention)) {
      throw new IllegalArgumentException(
          "at least one layer must attend (G or L); all " + layers.size() + " are skipped");
    }
    boolean anyLocal = layers.stream().anyMatch(l -> l.attention() == AttentionKind.LOCAL);
    if (anyLocal && window < 1) {
      throw new IllegalArgumentException(
          "window must be > 0 when any layer is LOCAL, got " + window);
    }
    if (!anyLocal) {
      window = 0;
    }
    sourceLayers = sourceLayers == null ? List.of() : List.copyOf(sourceLayers);
    if (!sourceLayers.isEmpty()) {
      if (sourceLayers.size() != layers.size()) {
        throw new IllegalArgumentException(
            "sourceLayers names "
                + sourceLayers.size()
                + " backbone layers for "
                + layers.size()
                + " layers");
      }
      for (int i = 0; i < sourceLayers.size(); i++) {
        if (sourceLayers.get(i) < 0 || (i > 0 && sourceLayers.get(i) <= sourceLayers.get(i - 1))) {
          throw new IllegalArgumentException(
              "sourceLayers must be ascending indices >= 0, got " + sourceLayers);
        }
      }
    }
  }

  /** A candidate that does not say which backbone layers it keeps. */
  public Candidate(
      int vocabSize, int dModel, int headDim, int window, int weightBits, List<LayerSpec> layers) {
    this(vocabSize, dModel, headDim, window, weightBits, layers, List.of());
  }

  /** The same architecture with its weights at another precision. */
  public Candidate withWeightBits(int bits) {
    return new Candidate(vocabSize, dModel, headDim, window, bits, layers, sourceLayers);
  }

  /** The same architecture inheriting from the given backbone layers. */
  public Candidate withSourceLayers(List<Integer> sources) {
    return new Candidate(vocabSize, dModel, headDim, window, weightBits, layers, sources);
  }

  /**
   * A builder for the compact uniform form of docs/contracts.md: every layer has the same heads and
   * FFN width, and {@code attention} has one letter per layer (G, L or S). Defaults as in the
   * compact JSON form: as many KV heads as query heads, every layer G, window 0, {@link
   * #DEFAULT_WEIGHT_BITS}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Collects the compact fields. {@link #build()} checks what only the compact form has (the
   * required fields, one attention letter per layer); the record's constructor validates the rest.
   * Not thread-safe.
   */
  public static final class Builder {
    // boxed so that an unset field is told apart from a wrong value (0 says "must be >= 1")
    private Integer layers;
    private Integer dModel;
    private Integer nHeads;
    private int nKvHeads; // set with nHeads
    private Integer headDim;
    private Integer ffnDim;
    private Integer vocabSize;
    private String attention;
    private int window;
    private int weightBits = DEFAULT_WEIGHT_BITS;

    private Builder() {}

    public Builder layers(int layers) {
      this.layers = layers;
      return this;
    }

    public Builder dModel(int dModel) {
      this.dModel = dModel;
      return this;
    }

    /** As many key/value heads as query heads (multi-head attention). */
    public Builder heads(int nHeads) {
      return heads(nHeads, nHeads);
    }

    /** Query heads over key/value heads (GQA); nHeads must be a multiple of nKvHeads. */
    public Builder heads(int nHeads, int nKvHeads) {
      this.nHeads = nHeads;
      this.nKvHeads = nKvHeads;
      return this;
    }

    public Builder headDim(int headDim) {
      this.headDim = headDim;
      return this;
    }

    public Builder ffnDim(int ffnDim) {
      this.ffnDim = ffnDim;
      return this;
    }

    public Builder vocabSize(int vocabSize) {
      this.vocabSize = vocabSize;
      return this;
    }

    /** One letter per layer, e.g. {@code "GGLS"}: G global, L local window, S skipped. */
    public Builder attention(String attention) {
      this.attention = attention;
      return this;
    }

    /** Sliding-window length for the LOCAL layers; ignored when none is LOCAL. */
    public Builder window(int window) {
      this.window = window;
      return this;
    }

    public Builder weightBits(int weightBits) {
      this.weightBits = weightBits;
      return this;
    }

    /**
     * @throws IllegalArgumentException with a message a user can act on
     */
    public Candidate build() {
      int n = Require.present("layers", layers);
      int d = Require.present("dModel", dModel);
      int heads = Require.present("nHeads", nHeads);
      int hd = Require.present("headDim", headDim);
      int ffn = Require.present("ffnDim", ffnDim);
      int vocab = Require.present("vocabSize", vocabSize);
      Require.atLeastOne("layers", n);
      String pattern = attention == null ? "G".repeat(n) : attention;
      if (pattern.length() != n) {
        throw new IllegalArgumentException(
            "attention has " + pattern.length() + " letters but layers is " + n);
      }
      LayerSpec[] specs = new LayerSpec[n];
      for (int i = 0; i < n; i++) {
        specs[i] =
            new LayerSpec(AttentionKind.ofLetter(pattern.charAt(i), i), heads, nKvHeads, ffn);
      }
      return new Candidate(vocab, d, hd, window, weightBits, List.of(specs));
    }
  }

  public int layerCount() {
    return layers.size();
  }

  /** One letter per layer: G global, L local window, S skipped. */
  public String attentionPattern() {
    return layers.stream()
        .map(l -> String.valueOf(l.attention().letter()))
        .collect(Collectors.joining());
  }

  /** The compact uniform fields, when all layers share heads and FFN width. */
  public Optional<Uniform> uniformShape() {
    List<LayerSpec> attending = layers.stream().filter(LayerSpec::hasAttention).toList();
    LayerSpec first = attending.get(0);
    boolean sameHeads =
        attending.stream()
            .allMatch(l -> l.nHeads() == first.nHeads() && l.nKvHeads() == first.nKvHeads());
    boolean sameFfn = layers.stream().allMatch(l -> l.ffnDim() == layers.get(0).ffnDim());
    if (!sameHeads || !sameFfn) {
      return Optional.empty();
    }
    return Optional.of(new Uniform(first.nHeads(), first.nKvHeads(), layers.get(0).ffnDim()));
  }

  /** Heads and FFN width shared by all layers of a uniform candidate. */
  public record Uniform(int nHeads, int nKvHeads, int ffnDim) {}

  /**
   * Stable id of the architecture: the same for the compact and the per-layer form, on every
   * machine and run. 16 hex digits of a SHA-256 over the normalised form.
   */
  public String archId() {
    // sized for the whole form (about 16 characters a layer): growing it was half of this method's
    // time, which the job spends for every measurement it validates
    StringBuilder canonical =
        new StringBuilder(64 + 16 * layers.size())
            .append("v1|vocab=")
            .append(vocabSize)
            .append("|d=")
            .append(dModel)
            .append("|hd=")
            .append(headDim)
            .append("|w=")
            .append(window)
            .append("|bits=")
            .append(weightBits);
    for (LayerSpec l : layers) {
      canonical
          .append('|')
          .append(l.attention().letter())
          .append(l.nHeads())
          .append('x')
          .append(l.nKvHeads())
          .append('x')
          .append(l.ffnDim());
    }
    if (!sourceLayers
        .isEmpty()) { // absent from ids of candidates that do not say: those stay as they were
      canonical
          .append("|src=")
          .append(sourceLayers.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    return "a" + Hashing.sha256Hex(canonical.toString(), 16);
  }

  /**
   * Parameters, counting the tied embedding/LM head once: per attending layer the Q, K, V and
   * output projections and a norm; per layer the SwiGLU FFN (3 matrices) and a norm; a final norm.
   */
  public long parameterCount() {
    long total = (long) vocabSize * dModel + dModel;
    for (LayerSpec l : layers) {
      if (l.hasAttention()) {
        long q = (long) l.nHeads() * headDim;
        long kv = (long) l.nKvHeads() * headDim;
        total += dModel * (q + 2 * kv) + q * dModel + dModel;
      }
      total += 3L * dModel * l.ffnDim() + dModel;
    }
    return total;
  }
}
