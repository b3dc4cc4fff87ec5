package dev.hilnas.core.latency;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Phase;
import java.util.List;

/**
 * The work one forward pass of a candidate does, split by kernel kind, in physical units: kernel
 * counts (fixed launch and dispatch overhead), GFLOP (compute) and MB (memory traffic). A latency
 * model is a per-target price list for these quantities, so the features must be exact counts of
 * the work, not proxies that happen to correlate on one device.
 *
 * <p>PREFILL processes {@code T = contextLength} tokens causally; DECODE processes one token
 * against a KV cache of {@code contextLength} tokens. SKIP layers contribute only their FFN; LOCAL
 * layers attend to at most {@code window} keys per query. Activations and the KV cache are counted
 * at {@link #ACTIVATION_BYTES} per element; the per-target fit absorbs the runtime's real
 * precision. Stateless and thread-safe.
 */
public final class Features {

  /** Bytes per activation or KV-cache element assumed by the traffic features. */
  public static final int ACTIVATION_BYTES = 2;

  /** Feature names, in the order of {@link #of}; the same for both phases. */
  public static final List<String> NAMES =
      List.of(
          "calls", // one per forward pass: dispatch, embedding, final norm, sampling
          "layers", // per-layer kernels of the FFN block: norm, gate/up, activation, down, add
          "attentionLayers", // per-layer kernels of attention: norm, qkv, rope, scores, softmax..
          "projectionGflop", // Q, K, V and output projections
          "ffnGflop", // SwiGLU FFN: three d x f matrices
          "attentionGflop", // QK^T, softmax and AV over the pairs actually attended
          "lmHeadGflop", // logits for every processed token (runtimes that skip this fit 0)
          "weightMB", // every weight read once per pass, at the candidate's weightBits
          "kvCacheMB", // DECODE: K and V read for every attended key; PREFILL: K and V written
          "activationMB", // element-wise traffic: norms, rope, activation, residual adds
          "kvResidentMB"); // the whole cache after the pass, windows ignored: runtimes that

  // append by copying (e.g. a concatenating cache) or mask instead of slicing move all of it

  /** Number of features. */
  public static final int COUNT = NAMES.size();

  /** How {@link #COUNT} features group into the three physical resources, for the prior. */
  enum Resource {
    OVERHEAD,
    COMPUTE,
    MEMORY
  }

  static final Resource[] RESOURCE = {
    Resource.OVERHEAD,
    Resource.OVERHEAD,
    Resource.OVERHEAD,
    Resource.COMPUTE,
    Resource.COMPUTE,
    Resource.COMPUTE,
    Resource.COMPUTE,
    Resource.MEMORY,
    Resource.MEMORY,
    Resource.MEMORY,
    Resource.MEMORY
  };

  /** Kernels each overhead feature stands for, so one per-kernel price can seed all three. */
  static final double[] KERNELS = {2, 5, 7};

  private static final double GIGA = 1e9;
  private static final double MEGA = 1e6;

  private Features() {}

  /** The features of one candidate, phase and context length; a new array of {@link #COUNT}. */
  public static double[] of(Candidate c, Phase phase, int contextLength) {
    double[] x = new double[COUNT];
    into(c, phase, contextLength, x);
    return x;
  }

  /** Writes the features into {@code x} (length >= {@link #COUNT}); no allocation. */
  public static void into(Candidate c, Phase phase, int contextLength, double[] x) {
    boolean prefill = phase == Phase.PREFILL;
    double tokens = prefill ? contextLength : 1;
    long d = c.dModel();
    long hd = c.headDim();
    double globalPairs = prefill ? causalPairs(contextLength, contextLength) : contextLength + 1;
    double localPairs =
        prefill ? causalPairs(contextLength, c.window()) : Math.min(contextLength + 1, c.window());
    double attentionLayers = 0;
    double projectionMacs = 0;
    double ffnMacs = 0;
    double attentionOps = 0;
    double weights = (double) c.vocabSize() * d; // the tied LM head, read in full
    double kvElements = 0;
    double kvResident = 0;
    double elementwise = d; // final norm
    for (LayerSpec l : c.layers()) {
      long f = l.ffnDim();
      ffnMacs += 3.0 * d * f;
      weights += 3.0 * d * f;
      elementwise += 2.0 * d + 2.0 * f;
      if (l.attention() == AttentionKind.SKIP) {
        continue;
      }
      attentionLayers++;
      long q = l.nHeads() * hd;
      long kv = l.nKvHeads() * hd;
      projectionMacs += (double) d * (2 * q + 2 * kv);
      weights += (double) d * (2 * q + 2 * kv);
      elementwise += 2.0 * d + q + kv;
      double pairs = l.attention() == AttentionKind.LOCAL ? localPairs : globalPairs;
      // two MACs per head dimension (scores and values) plus ~5 ops of softmax per score
      attentionOps += pairs * l.nHeads() * (4.0 * hd + 5);
      kvElements += 2.0 * kv * (prefill ? tokens : pairs);
      kvResident += 2.0 * kv * (prefill ? tokens : contextLength + 1);
    }
    x[0] = 1;
    x[1] = c.layerCount();
    x[2] = attentionLayers;
    x[3] = 2 * tokens * projectionMacs / GIGA;
    x[4] = 2 * tokens * ffnMacs / GIGA;
    x[5] = attentionOps / GIGA;
    x[6] = 2 * tokens * d * (double) c.vocabSize() / GIGA;
    x[7] = weights * c.weightBits() / 8 / MEGA;
    x[8] = kvElements * ACTIVATION_BYTES / MEGA;
    x[9] = 2 * tokens * elementwise * ACTIVATION_BYTES / MEGA;
    x[10] = kvResident * ACTIVATION_BYTES / MEGA;
  }

  /**
   * The shape of a candidate as the residual correction sees it: the sizes where efficiency effects
   * (cache fit, GEMM tile utilisation, thread scaling) live. Trees only compare, so the raw values
   * serve as well as their logs and cost nothing to compute.
   */
  public static final List<String> SHAPE_NAMES =
      List.of(
          "contextLength",
          "dModel",
          "meanFfnDim",
          "meanQueryWidth",
          "queriesPerKvHead",
          "layers",
          "attentionLayers",
          "localShare",
          "weightMB",
          "window");

  /** Number of shape inputs. */
  public static final int SHAPE_COUNT = SHAPE_NAMES.size();

  /** Writes the shape inputs into {@code s} (length >= {@link #SHAPE_COUNT}); no allocation. */
  public static void shapeInto(Candidate c, int contextLength, double weightMB, double[] s) {
    double ffn = 0;
    double queryWidth = 0;
    double gqa = 0;
    int attending = 0;
    int local = 0;
    for (LayerSpec l : c.layers()) {
      ffn += l.ffnDim();
      if (l.hasAttention()) {
        attending++;
        queryWidth += (double) l.nHeads() * c.headDim();
        gqa += (double) l.nHeads() / l.nKvHeads();
        if (l.attention() == AttentionKind.LOCAL) {
          local++;
        }
      }
    }
    int layers = c.layerCount();
    s[0] = contextLength;
    s[1] = c.dModel();
    s[2] = ffn / layers;
    s[3] = queryWidth / attending;
    s[4] = gqa / attending;
    s[5] = layers;
    s[6] = attending;
    s[7] = (double) local / layers;
    s[8] = weightMB;
    s[9] = c.window();
  }

  /**
   * Query-key pairs of causal attention over {@code tokens} queries when each query sees at most
   * {@code window} keys (itself included): {@code sum_{i=1..T} min(i, window)}.
   */
  static double causalPairs(long tokens, long window) {
    if (tokens <= window) {
      return tokens * (tokens + 1) / 2.0;
    }
    return window * (window + 1) / 2.0 + (double) (tokens - window) * window;
  }
}
