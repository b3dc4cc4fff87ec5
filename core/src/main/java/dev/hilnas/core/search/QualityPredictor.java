package dev.hilnas.core.search;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * Predicts a pruning's log perplexity from how much of the backbone it keeps, by ridge regression
 * on the evaluations so far, with a predictive standard deviation (Bayesian linear regression):
 * what the search scores quality with before a candidate is evaluated. Immutable.
 */
public final class QualityPredictor {

  /** With fewer evaluations than this the predictor knows nothing: wide prior, no fit. */
  static final int MIN_POINTS = 4;
  private static final double RIDGE = 0.1;
  private static final double PRIOR_SIGMA = 1.0; // in log perplexity: a factor e either way

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

  private QualityPredictor(Candidate backbone, double[] weights, DecompositionSolver covariance, double sigma, double fallback) {
    this.backbone = backbone;
    this.weights = weights;
    this.covariance = covariance;
    this.sigma = sigma;
    this.fallback = fallback;
  }

  public static QualityPredictor fit(Candidate backbone, List<Evaluated> evaluated) {
    double meanLog = evaluated.stream().mapToDouble(e -> Math.log(e.perplexity())).average().orElse(Math.log(10));
    if (evaluated.size() < MIN_POINTS) {
      return new QualityPredictor(backbone, null, null, PRIOR_SIGMA, meanLog);
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
    double sse = 0;
    for (Evaluated e : evaluated) {
      double r = Math.log(e.perplexity()) - dot(w, row(backbone, e.candidate()));
      sse += r * r;
    }
    double sigma = Math.sqrt((sse + 0.01) / Math.max(1, evaluated.size() - k / 2.0)); // a floor: never certain
    return new QualityPredictor(backbone, w, solver, sigma, meanLog);
  }

  public Prediction predict(Candidate c) {
    if (weights == null) {
      return new Prediction(fallback, sigma);
    }
    double[] x = row(backbone, c);
    double variance = sigma * sigma * (1 + dot(x, covariance.solve(new ArrayRealVector(x)).toArray()));
    return new Prediction(dot(weights, x), Math.sqrt(variance));
  }

  /**
   * What a pruning removes, each 0 for the backbone itself: layers, FFN width, query heads and KV
   * heads dropped (fractions), SKIP and LOCAL layers (fractions; LOCAL weighted by how short the
   * window is, in log2 steps below 256), bits removed below 16 (in 4-bit steps).
   */
  static double[] features(Candidate backbone, Candidate c) {
    LayerSpec full = backbone.layers().get(0);
    double layers = backbone.layerCount();
    double ffn = 0;
    double heads = 0;
    double kv = 0;
    double skip = 0;
    double local = 0;
    double shortWindow = 0;
    for (LayerSpec l : c.layers()) {
      ffn += 1 - (double) l.ffnDim() / full.ffnDim();
      if (l.attention() == AttentionKind.SKIP) {
        skip++;
        continue;
      }
      heads += 1 - (double) l.nHeads() / full.nHeads();
      kv += 1 - (double) l.nKvHeads() / full.nKvHeads();
      if (l.attention() == AttentionKind.LOCAL) {
        local++;
        shortWindow += Math.max(0, Math.log(256.0 / c.window()) / Math.log(2));
      }
    }
    int n = c.layerCount();
    return new double[] {
      1 - n / layers, ffn / n, heads / n, kv / n, skip / n, local / n, shortWindow / n,
      Math.max(0, 16 - c.weightBits()) / 4.0
    };
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
