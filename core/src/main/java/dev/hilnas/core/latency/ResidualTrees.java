package dev.hilnas.core.latency;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Gradient-boosted regression trees of fixed depth on the log residual of the linear model:
 * {@code log(measured / linear)} as a function of the candidate's shape. Captures efficiency
 * effects a price list cannot (small GEMMs running below peak, weights falling out of cache).
 *
 * <p>Every tree is complete, stored in flat arrays: a node that does not split sends everything
 * left ({@code threshold = +∞}), so prediction is {@code depth} branch-free steps per tree.
 * Immutable and thread-safe once built.
 */
final class ResidualTrees {

  static final ResidualTrees NONE = new ResidualTrees(0, new int[0], new double[0], new double[0]);

  static final int DEPTH = 3;
  static final double LEARNING_RATE = 0.1;
  static final int MIN_LEAF = 3;

  private static final int INTERNAL = (1 << DEPTH) - 1;
  private static final int LEAVES = 1 << DEPTH;

  private final int trees;
  private final int[] feature; // trees * INTERNAL
  private final double[] threshold; // trees * INTERNAL
  private final double[] leaf; // trees * LEAVES, learning rate already applied

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
        Arrays.copyOf(feature, count * INTERNAL),
        Arrays.copyOf(threshold, count * INTERNAL),
        Arrays.copyOf(leaf, count * LEAVES));
  }

  /** The correction to add to the log prediction. */
  double predict(double[] shape) {
    double sum = 0;
    for (int t = 0, base = 0; t < trees; t++, base += INTERNAL) {
      int node = 0;
      for (int level = 0; level < DEPTH; level++) {
        int at = base + node;
        node = 2 * node + (shape[feature[at]] > threshold[at] ? 2 : 1);
      }
      sum += leaf[t * LEAVES + node - INTERNAL];
    }
    return sum;
  }

  /**
   * Boosts {@code rounds} trees on {@code rows} (shape inputs) toward {@code target}, squared loss.
   * Deterministic: the same rows in the same order give the same trees.
   */
  static ResidualTrees boost(double[][] rows, double[] target, int rounds) {
    int n = rows.length;
    int[] feature = new int[rounds * INTERNAL];
    double[] threshold = new double[rounds * INTERNAL];
    double[] leaf = new double[rounds * LEAVES];
    if (n == 0) {
      return new ResidualTrees(0, feature, threshold, leaf);
    }
    int features = rows[0].length;
    int[][] order = new int[features][];
    for (int f = 0; f < features; f++) {
      int ff = f;
      order[f] =
          IntStream.range(0, n)
              .boxed()
              .sorted((a, b) -> Double.compare(rows[a][ff], rows[b][ff]))
              .mapToInt(Integer::intValue)
              .toArray();
    }
    double[] residual = target.clone();
    int[] node = new int[n];
    for (int t = 0; t < rounds; t++) {
      Arrays.fill(node, 0);
      for (int level = 0; level < DEPTH; level++) {
        splitLevel(rows, residual, order, node, level, t, feature, threshold);
      }
      double[] sum = new double[LEAVES];
      int[] count = new int[LEAVES];
      for (int i = 0; i < n; i++) {
        sum[node[i] - INTERNAL] += residual[i];
        count[node[i] - INTERNAL]++;
      }
      for (int k = 0; k < LEAVES; k++) {
        double value = count[k] == 0 ? 0 : LEARNING_RATE * sum[k] / count[k];
        leaf[t * LEAVES + k] = value;
      }
      for (int i = 0; i < n; i++) {
        residual[i] -= leaf[t * LEAVES + node[i] - INTERNAL];
      }
    }
    return new ResidualTrees(rounds, feature, threshold, leaf);
  }

  /** Finds the best split of every node on one level in one sorted pass per feature. */
  private static void splitLevel(
      double[][] rows,
      double[] residual,
      int[][] order,
      int[] node,
      int level,
      int tree,
      int[] feature,
      double[] threshold) {
    int first = (1 << level) - 1;
    int width = 1 << level;
    double[] total = new double[width];
    int[] totalCount = new int[width];
    for (int i = 0; i < node.length; i++) {
      total[node[i] - first] += residual[i];
      totalCount[node[i] - first]++;
    }
    double[] bestGain = new double[width];
    int[] bestFeature = new int[width];
    double[] bestThreshold = new double[width];
    Arrays.fill(bestThreshold, Double.POSITIVE_INFINITY);
    double[] leftSum = new double[width];
    int[] leftCount = new int[width];
    double[] last = new double[width];
    for (int f = 0; f < order.length; f++) {
      Arrays.fill(leftSum, 0);
      Arrays.fill(leftCount, 0);
      for (int i : order[f]) {
        int k = node[i] - first;
        double v = rows[i][f];
        int nl = leftCount[k];
        int nr = totalCount[k] - nl;
        if (nl >= MIN_LEAF && nr >= MIN_LEAF && v > last[k]) {
          double sl = leftSum[k];
          double sr = total[k] - sl;
          double gain = sl * sl / nl + sr * sr / nr - total[k] * total[k] / totalCount[k];
          if (gain > bestGain[k] + 1e-12) {
            bestGain[k] = gain;
            bestFeature[k] = f;
            bestThreshold[k] = (last[k] + v) / 2;
          }
        }
        leftSum[k] += residual[i];
        leftCount[k]++;
        last[k] = v;
      }
    }
    for (int k = 0; k < width; k++) {
      int at = tree * INTERNAL + first + k;
      feature[at] = bestFeature[k];
      threshold[at] = bestThreshold[k];
    }
    for (int i = 0; i < node.length; i++) {
      int at = tree * INTERNAL + node[i];
      node[i] = 2 * node[i] + (rows[i][feature[at]] > threshold[at] ? 2 : 1);
    }
  }
}
