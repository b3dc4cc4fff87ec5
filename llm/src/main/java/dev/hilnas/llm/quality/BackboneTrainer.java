package dev.hilnas.llm.quality;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.llm.runtime.Weights;
import dev.hilnas.llm.runtime.Weights.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Trains the backbone from scratch on a byte corpus with AdamW, deterministically for a given
 * config and thread count, then measures the importance statistics that pruning uses on a
 * calibration slice of the training text.
 */
public final class BackboneTrainer {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.95;
  private static final int EVAL_SEQUENCES = 16;
  private static final int CALIBRATION_SEQUENCES = 16;

  /** One point of the training curve; {@code heldOutLoss} is NaN between evaluations. */
  public record Progress(
      int step,
      long tokens,
      double learningRate,
      double trainLoss,
      double heldOutLoss,
      long elapsedMs) {}

  public interface Listener {
    void onStep(Progress progress);
  }

  private BackboneTrainer() {}

  public static Backbone train(
      TrainingConfig config, Corpus corpus, int threads, int evalEvery, Listener listener) {
    Weights weights = initial(config);
    List<float[]> params = Backprop.arrays(weights);
    boolean[] decay = Backprop.decays(weights);
    List<float[]> m = new ArrayList<>();
    List<float[]> v = new ArrayList<>();
    for (float[] p : params) {
      m.add(new float[p.length]);
      v.add(new float[p.length]);
    }
    SplittableRandom sampler = new SplittableRandom(config.seed());
    long start = System.nanoTime();
    double heldOut = Double.NaN;
    try (Backprop model = new Backprop(weights, config.batch(), config.length(), threads);
        Backprop eval = new Backprop(weights, EVAL_SEQUENCES, config.length(), threads)) {
      List<float[]> grads = Backprop.arrays(model.gradients);
      int[][] evalBatch = consecutive(corpus.heldOut(), EVAL_SEQUENCES, config.length());
      for (int step = 0; step < config.steps(); step++) {
        int[][] batch = new int[config.batch()][];
        for (int s = 0; s < batch.length; s++) {
          int from = sampler.nextInt(corpus.train().length - config.length() - 1);
          batch[s] = Corpus.tokens(corpus.train(), from, config.length() + 1);
        }
        double loss = model.step(batch, true);
        double lr = config.learningRate(step);
        adamW(params, grads, m, v, decay, step + 1, lr, config);
        boolean last = step == config.steps() - 1;
        heldOut = (step + 1) % evalEvery == 0 || last ? eval.step(evalBatch, false) : Double.NaN;
        listener.onStep(
            new Progress(
                step + 1,
                (long) (step + 1) * config.batch() * config.length(),
                lr,
                loss,
                heldOut,
                (System.nanoTime() - start) / 1_000_000));
      }
      Importance importance =
          Importance.measure(
              weights,
              consecutive(corpus.train(), CALIBRATION_SEQUENCES, config.length()),
              threads);
      return new Backbone(
          weights,
          config.length(),
          importance,
          config.steps(),
          (long) config.steps() * config.batch() * config.length(),
          heldOut);
    }
  }

  /** Non-overlapping sequences of length+1 tokens from the start of the text. */
  static int[][] consecutive(byte[] text, int sequences, int length) {
    int[][] batch = new int[sequences][];
    for (int s = 0; s < sequences; s++) {
      batch[s] = Corpus.tokens(text, s * length, length + 1);
    }
    return batch;
  }

  private static void adamW(
      List<float[]> params,
      List<float[]> grads,
      List<float[]> m,
      List<float[]> v,
      boolean[] decay,
      int t,
      double lr,
      TrainingConfig config) {
    double norm = 0;
    for (float[] g : grads) {
      for (float x : g) {
        norm += (double) x * x;
      }
    }
    norm = Math.sqrt(norm);
    double clip = norm > config.clipNorm() ? config.clipNorm() / norm : 1;
    double c1 = 1 - Math.pow(BETA1, t);
    double c2 = 1 - Math.pow(BETA2, t);
    for (int i = 0; i < params.size(); i++) {
      float[] p = params.get(i);
      float[] g = grads.get(i);
      float[] mi = m.get(i);
      float[] vi = v.get(i);
      double shrink = decay[i] ? 1 - lr * config.weightDecay() : 1;
      for (int j = 0; j < p.length; j++) {
        double gj = g[j] * clip;
        mi[j] = (float) (BETA1 * mi[j] + (1 - BETA1) * gj);
        vi[j] = (float) (BETA2 * vi[j] + (1 - BETA2) * gj * gj);
        p[j] = (float) (p[j] * shrink - lr * (mi[j] / c1) / (Math.sqrt(vi[j] / c2) + 1e-8));
      }
    }
  }

  /**
   * GPT-2 style: N(0, 0.02), residual output projections scaled by 1/sqrt(2·layers), unit norms.
   */
  static Weights initial(TrainingConfig config) {
    Random random = new Random(config.seed());
    return shaped(config, (n, std) -> normal(random, n, std));
  }

  /** The config's shape with zero matrices and unit norms: what reading saved weights fills in. */
  static Weights zeros(TrainingConfig config) {
    return shaped(config, (n, std) -> new float[n]);
  }

  /** A matrix of n values whose initial standard deviation would be std. */
  private interface Matrices {
    float[] make(int n, double std);
  }

  private static Weights shaped(TrainingConfig config, Matrices m) {
    Candidate c = config.architecture();
    int d = c.dModel();
    double residual = 0.02 / Math.sqrt(2.0 * c.layerCount());
    List<Layer> layers = new ArrayList<>();
    for (LayerSpec l : c.layers()) {
      int q = l.nHeads() * c.headDim();
      int kv = l.nKvHeads() * c.headDim();
      layers.add(
          new Layer(
              l.attention(),
              l.nHeads(),
              l.nKvHeads(),
              l.ffnDim(),
              Weights.ones(d),
              m.make(d * q, 0.02),
              m.make(d * kv, 0.02),
              m.make(d * kv, 0.02),
              m.make(q * d, residual),
              Weights.ones(d),
              m.make(d * l.ffnDim(), 0.02),
              m.make(d * l.ffnDim(), 0.02),
              m.make(l.ffnDim() * d, residual)));
    }
    return new Weights(c, m.make(c.vocabSize() * d, 0.02), Weights.ones(d), layers);
  }

  private static float[] normal(Random random, int n, double std) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) (random.nextGaussian() * std);
    }
    return w;
  }
}
