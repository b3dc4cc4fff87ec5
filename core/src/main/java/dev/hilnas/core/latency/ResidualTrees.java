package dev.hilnas.core.latency;

import java.util.Arrays;

/**
 * Gradient-boosted oblivious regression trees on the log residual of the linear model: {@code
 * log(measured / linear)} as a function of the candidate's shape. Captures efficiency effects a
 * price list cannot (small GEMMs running below peak, weights falling out of cache).
 *
 * <p>Oblivious (CatBoost-style) trees test the same feature and threshold across a whole level, so
 * a prediction is {@link #DEPTH} independent comparisons forming a leaf index — no pointer chasing,
 * which is what lets search score millions of candidates per second — and the shared splits
 * regularise well on the few points a new device has. Leaves are shrunk toward 0 by an L2 pull.
 * Immutable and thread-safe once built.
 */
final class ResidualTrees {

  static final int DEPTH = 4;
  static final double LEARNING_RATE = 0.2;

  /** L2 pull of leaf values toward 0, in points: a leaf of n points moves by sum / (n + pull). */
  static final double LEAF_PULL = 2;

  static final ResidualTrees NONE = new ResidualTrees(0, new int[0], new double[0], new double[0]);

  private static final int LEAVES = 1 << DEPTH;

  private final int trees;
  private final int[] feature; // trees * DEPTH
  private final double[] threshold; // trees * DEPTH
  private final double[] leaf; // trees * LEAVES, learning rate applied

  ResidualTrees(int trees, int[] feature, double[] threshold, double[] leaf) {
    this.trees = trees;
    this.feature = feature;
    this.threshold = threshold;
    this.leaf = leaf;
  }

  int trees() {
    return trees;
  }

  int[] feature() {
    return feature;
  }

  double[] threshold() {
    return threshold;
  }

  double[] leaf() {
    return leaf;
  }

  /** The first {@code count} trees (boosting is a prefix sum, so this is a smaller model). */
  ResidualTrees first(int count) {
    return new ResidualTrees(
        count,
        Arrays.copyOf(feature, count * DEPTH),
        Arrays.copyOf(threshold, count * DEPTH),
        Arrays.copyOf(leaf, count * LEAVES));
  }

  /** The correction to add to the log prediction. */
  double predict(double[] shape) {
    double sum = 0;
    for (int t = 0; t < trees; t++) {
      sum += leaf[t * LEAVES + leafIndex(t, shape)];
    }
    return sum;
  }

  /** The correction after each of {@code counts} (ascending) first trees, in one pass. */
  double[] predictPrefixes(double[] shape, int[] counts) {
    double[] out = new double[counts.length];
    double sum = 0;
    int next = 0;
    for (int t = 0; t <= trees && next < counts.length; t++) {
      while (next < counts.length && counts[next] == t) {
        out[next++] = sum;
      }
      if (t < trees) {
        sum += leaf[t * LEAVES + leafIndex(t, shape)];
      }
    }
    return out;
  }

  private int leafIndex(int tree, double[] shape) {
    int index = 0;
    for (int level = 0, at = tree * DEPTH; level < DEPTH; level++, at++) {
      index = (index << 1) | (shape[feature[at]] > threshold[at] ? 1 : 0);
    }
    return index;
  }

  /**
   * Boosts {@code rounds} trees on {@code rows} (shape inputs) toward {@code target}, squared loss.
   * Splits are searched over at most {@link #BINS} quantile bins per input (histogram boosting), so
   * a tree costs O(points x inputs) whatever the number of distinct values. Deterministic: the same
   * rows in the same order give the same trees.
   */
  static ResidualTrees boost(double[][] rows, double[] target, int rounds) {
    double[] weight = new double[rows.length];
    Arrays.fill(weight, 1);
    return boost(rows, target, weight, rounds);
  }

  /**
   * As {@link #boost(double[][], double[], int)}, each row counting {@code weight} times (weighted
   * squared loss; a leaf's pull is in units of weight).
   */
  static ResidualTrees boost(double[][] rows, double[] target, double[] weight, int rounds) {
    int n = rows.length;
    if (rounds == 0) {
      return NONE;
    }
    int[] feature = new int[rounds * DEPTH];
    double[] threshold = new double[rounds * DEPTH];
    double[] leaf = new double[rounds * LEAVES];
    Arrays.fill(threshold, Double.POSITIVE_INFINITY);
    if (n == 0) {
      return new ResidualTrees(rounds, feature, threshold, leaf);
    }
    Bins bins = Bins.of(rows);
    double[] residual = target.clone();
    double[] weighted = new double[n]; // weight x residual, summed by every split searched
    int[] node = new int[n];
    for (int t = 0; t < rounds; t++) {
      for (int i = 0; i < n; i++) {
        weighted[i] = weight[i] * residual[i];
      }
      Arrays.fill(node, 0);
      for (int level = 0; level < DEPTH; level++) {
        int at = t * DEPTH + level;
        int[] split = bins.bestSplit(weighted, weight, node, 1 << level);
        if (split != null) {
          feature[at] = split[0];
          threshold[at] = bins.edges[split[0]][split[1]];
        }
        for (int i = 0; i < n; i++) {
          node[i] = (node[i] << 1) | (rows[i][feature[at]] > threshold[at] ? 1 : 0);
        }
      }
      fitLeaves(t, node, residual, weight, leaf);
    }
    return new ResidualTrees(rounds, feature, threshold, leaf);
  }

  /**
   * These trees' splits with their leaves fitted anew to {@code target}, tree after tree on what
   * the trees before leave (LightGBM's refit). A tree costs O(points x depth), where boosting
   * searches every input at every level; on the rows the splits were found on, these are the same
   * trees.
   */
  ResidualTrees refitLeaves(double[][] rows, double[] target, double[] weight) {
    int n = rows.length;
    double[] refitted = new double[leaf.length];
    double[] residual = target.clone();
    int[] node = new int[n];
    for (int t = 0; t < trees; t++) {
      for (int i = 0; i < n; i++) {
        node[i] = leafIndex(t, rows[i]);
      }
      fitLeaves(t, node, residual, weight, refitted);
    }
    return new ResidualTrees(trees, feature, threshold, refitted);
  }

  /**
   * Tree {@code t}'s leaves, each its points' weighted mean residual shrunk toward 0, taken off
   * {@code residual} for the trees after it.
   *
   * @param node the leaf of every point
   */
  private static void fitLeaves(
      int t, int[] node, double[] residual, double[] weight, double[] leaf) {
    double[] sum = new double[LEAVES];
    double[] count = new double[LEAVES];
    for (int i = 0; i < node.length; i++) {
      sum[node[i]] += weight[i] * residual[i];
      count[node[i]] += weight[i];
    }
    for (int k = 0; k < LEAVES; k++) {
      leaf[t * LEAVES + k] = LEARNING_RATE * sum[k] / (count[k] + LEAF_PULL);
    }
    for (int i = 0; i < node.length; i++) {
      residual[i] -= leaf[t * LEAVES + node[i]];
    }
  }

  static final int BINS = 64;

  /** Every input cut into at most {@link #BINS} bins at quantiles of its distinct values. */
  private record Bins(int[][] bin, double[][] edges) {

    /** {@code edges[f][b]} separates bin b from b + 1: a value above it lies right of the cut. */
    static Bins of(double[][] rows) {
      int n = rows.length;
      int features = rows[0].length;
      int[][] bin = new int[features][n];
      double[][] edges = new double[features][];
      for (int f = 0; f < features; f++) {
        double[] distinct = new double[n];
        for (int i = 0; i < n; i++) {
          distinct[i] = rows[i][f];
        }
        distinct = Arrays.stream(distinct).sorted().distinct().toArray();
        int cuts = Math.min(BINS, distinct.length) - 1;
        double[] e = new double[Math.max(cuts, 0)];
        for (int c = 0; c < cuts; c++) {
          int upper = (int) ((long) (c + 1) * distinct.length / (cuts + 1));
          e[c] = (distinct[upper - 1] + distinct[upper]) / 2;
        }
        edges[f] = e;
        for (int i = 0; i < n; i++) {
          int b = Arrays.binarySearch(e, rows[i][f]);
          bin[f][i] = b >= 0 ? b : -b - 1;
        }
      }
      return new Bins(bin, edges);
    }

    /**
     * The (input, edge) that best splits every node of a level at once; null when no split improves
     * the fit. Sweeping the bins left to right, moving a bin left changes only the terms of the
     * nodes that have points in it.
     */
    int[] bestSplit(double[] weighted, double[] weight, int[] node, int width) {
      double[] total = new double[width];
      double[] totalCount = new double[width];
      for (int i = 0; i < node.length; i++) {
        total[node[i]] += weighted[i];
        totalCount[node[i]] += weight[i];
      }
      double unsplit = 0;
      for (int k = 0; k < width; k++) {
        unsplit += term(total[k], totalCount[k]);
      }
      double best = unsplit + 1e-12;
      int[] split = null;
      double[] sum = new double[width * BINS];
      double[] count = new double[width * BINS];
      for (int f = 0; f < bin.length; f++) {
        int cuts = edges[f].length;
        if (cuts == 0) {
          continue;
        }
        Arrays.fill(sum, 0);
        Arrays.fill(count, 0);
        int[] binOf = bin[f];
        for (int i = 0; i < node.length; i++) {
          int cell = node[i] * BINS + binOf[i];
          sum[cell] += weighted[i];
          count[cell] += weight[i];
        }
        double[] leftSum = new double[width];
        double[] leftCount = new double[width];
        for (int b = 0; b < cuts; b++) {
          double score = 0;
          for (int k = 0; k < width; k++) {
            leftSum[k] += sum[k * BINS + b];
            leftCount[k] += count[k * BINS + b];
            score +=
                term(leftSum[k], leftCount[k])
                    + term(total[k] - leftSum[k], totalCount[k] - leftCount[k]);
          }
          if (score > best) {
            best = score;
            split = new int[] {f, b};
          }
        }
      }
      return split;
    }
  }

  /** A leaf's contribution to the fit: the squared-error reduction of its shrunk mean. */
  private static double term(double sum, double count) {
    return sum * sum / (count + LEAF_PULL);
  }
}
