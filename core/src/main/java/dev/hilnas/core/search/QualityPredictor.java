package dev.hilnas.core.search;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Prunings;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * Predicts a pruning's log perplexity from how much of the backbone it keeps, with a predictive
 * standard deviation: what the search scores quality with before a candidate is evaluated.
 * Immutable.
 *
 * <p>Two layers. A ridge regression on the pruning features gives the trend and how sure its
 * weights are (Bayesian linear regression). A Gaussian process on its residuals gives what the
 * trend misses near candidates already evaluated: a near-copy of an evaluated candidate is
 * predicted close to its value, so the search does not spend measurements on neighbours it could
 * have guessed. Distances weigh each feature by the size of its trend weight, so a change that
 * moves perplexity little (the precision) counts as a small step; the length scale and noise are
 * chosen by marginal likelihood.
 */
public final class QualityPredictor {

  /** With fewer evaluations than this the predictor knows nothing: wide prior, no fit. */
  static final int MIN_POINTS = 4;

  /** The residual process sees the latest this many evaluations (its fit is cubic in them). */
  static final int MAX_LOCAL_POINTS = 500;

  private static final double RIDGE = 0.1;
  private static final double PRIOR_SIGMA = 1.0; // in log perplexity: a factor e either way

  /** Length scales tried, in log perplexity along the trend's weights. */
  private static final double[] LENGTH_SCALES = {0.03, 0.06, 0.12, 0.25, 0.5, 1.0};

  /**
   * Noise tried, as fractions of the residual variance: features do not tell every pruning apart.
   */
  private static final double[] NOISE = {0.01, 0.05, 0.2};

  /** A mean and standard deviation of log perplexity. */
  public record Prediction(double logMean, double logSigma) {
    public double perplexity() {
      return Math.exp(logMean);
    }
  }

  /** One evaluated candidate. */
  public record Evaluated(Candidate candidate, double perplexity) {}

  private final Candidate backbone;
  private final double[] weights;
  private final DecompositionSolver covariance;
  private final double sigma;
  private final double fallback;
  private final Residuals residuals;

  private QualityPredictor(
      Candidate backbone,
      double[] weights,
      DecompositionSolver covariance,
      double sigma,
      double fallback,
      Residuals residuals) {
    this.backbone = backbone;
    this.weights = weights;
    this.covariance = covariance;
    this.sigma = sigma;
    this.fallback = fallback;
    this.residuals = residuals;
  }

  public static QualityPredictor fit(Candidate backbone, List<Evaluated> evaluated) {
    double meanLog =
        evaluated.stream()
            .mapToDouble(e -> Math.log(e.perplexity()))
            .average()
            .orElse(Math.log(10));
    if (evaluated.size() < MIN_POINTS) {
      return new QualityPredictor(backbone, null, null, PRIOR_SIGMA, meanLog, null);
    }
    int k = row(backbone, backbone).length;
    RealMatrix xtx = new Array2DRowRealMatrix(k, k);
    RealVector xty = new ArrayRealVector(k);
    for (Evaluated e : evaluated) {
      double[] x = row(backbone, e.candidate());
      double y = Math.log(e.perplexity());
      for (int i = 0; i < k; i++) {
        xty.addToEntry(i, x[i] * y);
        for (int j = 0; j < k; j++) {
          xtx.addToEntry(i, j, x[i] * x[j]);
        }
      }
    }
    for (int i = 1; i < k; i++) { // the intercept is not shrunk
      xtx.addToEntry(i, i, RIDGE);
    }
    DecompositionSolver solver = new CholeskyDecomposition(xtx).getSolver();
    double[] w = solver.solve(xty).toArray();
    List<Evaluated> local =
        evaluated.subList(Math.max(0, evaluated.size() - MAX_LOCAL_POINTS), evaluated.size());
    double[][] points = new double[local.size()][];
    double[] residual = new double[local.size()];
    double sse = 0;
    for (int i = 0; i < local.size(); i++) {
      double[] x = row(backbone, local.get(i).candidate());
      residual[i] = Math.log(local.get(i).perplexity()) - dot(w, x);
      sse += residual[i] * residual[i];
      points[i] = scaled(w, x);
    }
    double sigma =
        Math.sqrt((sse + 0.01) / Math.max(1, local.size() - k / 2.0)); // a floor: never certain
    return new QualityPredictor(
        backbone, w, solver, sigma, meanLog, Residuals.fit(points, residual, sigma * sigma));
  }

  public Prediction predict(Candidate c) {
    if (weights == null) {
      return new Prediction(fallback, sigma);
    }
    double[] x = row(backbone, c);
    double trendVariance =
        sigma * sigma * dot(x, covariance.solve(new ArrayRealVector(x)).toArray());
    double[] local = residuals.predict(scaled(weights, x));
    return new Prediction(dot(weights, x) + local[0], Math.sqrt(trendVariance + local[1]));
  }

  /**
   * A Gaussian process with a squared-exponential kernel of variance {@code signal}, its length
   * scale and noise the likeliest of a small grid.
   */
  private record Residuals(
      double[][] points,
      RealVector alpha,
      DecompositionSolver kernel,
      double signal,
      double lengthScale,
      double noise) {

    static Residuals fit(double[][] points, double[] residual, double signal) {
      RealVector y = new ArrayRealVector(residual, false);
      Residuals best = null;
      double bestLikelihood = Double.NEGATIVE_INFINITY;
      for (double lengthScale : LENGTH_SCALES) {
        for (double noiseFraction : NOISE) {
          double noise = noiseFraction * signal;
          int n = points.length;
          RealMatrix kernel = new Array2DRowRealMatrix(n, n);
          for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
              double k = kernel(points[i], points[j], signal, lengthScale) + (i == j ? noise : 0);
              kernel.setEntry(i, j, k);
              kernel.setEntry(j, i, k);
            }
          }
          CholeskyDecomposition cholesky = new CholeskyDecomposition(kernel);
          RealVector alpha = cholesky.getSolver().solve(y);
          double likelihood = -0.5 * y.dotProduct(alpha);
          RealMatrix l = cholesky.getL();
          for (int i = 0; i < n; i++) {
            likelihood -= Math.log(l.getEntry(i, i));
          }
          if (likelihood > bestLikelihood) {
            bestLikelihood = likelihood;
            best = new Residuals(points, alpha, cholesky.getSolver(), signal, lengthScale, noise);
          }
        }
      }
      return best;
    }

    /** The residual's mean and variance at {@code x}, the noise included. */
    double[] predict(double[] x) {
      RealVector k = new ArrayRealVector(points.length);
      for (int i = 0; i < points.length; i++) {
        k.setEntry(i, kernel(x, points[i], signal, lengthScale));
      }
      return new double[] {
        k.dotProduct(alpha), Math.max(0, signal - k.dotProduct(kernel.solve(k))) + noise
      };
    }

    private static double kernel(double[] a, double[] b, double signal, double lengthScale) {
      double d2 = 0;
      for (int i = 0; i < a.length; i++) {
        double d = a[i] - b[i];
        d2 += d * d;
      }
      return signal * Math.exp(-d2 / (2 * lengthScale * lengthScale));
    }
  }

  /**
   * The features (intercept dropped) times the size of their trend weights: steps in log
   * perplexity.
   */
  private static double[] scaled(double[] weights, double[] x) {
    double[] out = new double[x.length - 1];
    for (int i = 1; i < x.length; i++) {
      out[i - 1] = Math.abs(weights[i]) * x[i];
    }
    return out;
  }

  /**
   * What a pruning removes, each 0 for the backbone itself: layers, FFN width, query heads and KV
   * heads dropped (fractions), SKIP and LOCAL layers (fractions; LOCAL weighted by how short the
   * window is, in log2 steps below 256), bits removed below 16 (in 4-bit steps); then FFN width,
   * SKIP and LOCAL again, weighted by how early the layer is; the dropped backbone layers, weighted
   * by how early they were; and one indicator per backbone layer, 1 when it is dropped (with only
   * the weighted sum, 99% of the best known front took 140+ measurements or was never reached in
   * 200; with the indicators 79–109, 3 seeds). Early layers matter more (dropping the earliest
   * layers breaks the shipped model; a SKIP first layer costs far more than a SKIP last one), and
   * without these the search never tried wide-but-SKIP-last prunings, which hold about 3% of the
   * best front's hypervolume.
   */
  static double[] features(Candidate backbone, Candidate c) {
    LayerSpec full = backbone.layers().get(0);
    double layers = backbone.layerCount();
    int n = c.layerCount();
    double ffn = 0;
    double heads = 0;
    double kv = 0;
    double skip = 0;
    double local = 0;
    double shortWindow = 0;
    double earlyFfn = 0;
    double earlySkip = 0;
    double earlyLocal = 0;
    for (int i = 0; i < n; i++) {
      LayerSpec l = c.layers().get(i);
      double early = n == 1 ? 1 : 1 - (double) i / (n - 1); // 1 for the first layer, 0 for the last
      double narrower = 1 - (double) l.ffnDim() / full.ffnDim();
      ffn += narrower;
      earlyFfn += early * narrower;
      if (l.attention() == AttentionKind.SKIP) {
        skip++;
        earlySkip += early;
        continue;
      }
      heads += 1 - (double) l.nHeads() / full.nHeads();
      kv += 1 - (double) l.nKvHeads() / full.nKvHeads();
      if (l.attention() == AttentionKind.LOCAL) {
        local++;
        earlyLocal += early;
        shortWindow += Math.max(0, Math.log(256.0 / c.window()) / Math.log(2));
      }
    }
    double earlyDropped = 0;
    java.util.Set<Integer> kept = new java.util.HashSet<>();
    for (int source : Prunings.keptLayers(c, backbone.layerCount())) {
      kept.add(source);
    }
    for (int i = 0; i < backbone.layerCount(); i++) {
      if (!kept.contains(i)) {
        earlyDropped += 1 - (double) i / Math.max(1, backbone.layerCount() - 1);
      }
    }
    double[] base = {
      1 - n / layers,
      ffn / n,
      heads / n,
      kv / n,
      skip / n,
      local / n,
      shortWindow / n,
      Math.max(0, 16 - c.weightBits()) / 4.0,
      earlyFfn / n,
      earlySkip / n,
      earlyLocal / n,
      earlyDropped / layers
    };
    double[] out = java.util.Arrays.copyOf(base, base.length + backbone.layerCount());
    for (int i = 0; i < backbone.layerCount(); i++) {
      out[base.length + i] = kept.contains(i) ? 0 : 1;
    }
    return out;
  }

  /** The features after an intercept. */
  private static double[] row(Candidate backbone, Candidate c) {
    double[] f = features(backbone, c);
    double[] x = new double[f.length + 1];
    x[0] = 1;
    System.arraycopy(f, 0, x, 1, f.length);
    return x;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
