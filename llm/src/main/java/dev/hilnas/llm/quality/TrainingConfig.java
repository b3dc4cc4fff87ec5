package dev.hilnas.llm.quality;

import dev.hilnas.core.Candidate;

/**
 * How the backbone is trained. The {@link #builder()}'s defaults are the shipped backbone's (what
 * {@code hilnas train-backbone} trains): 6 layers, dModel 256, 8 query heads over 2 KV heads of 32,
 * SwiGLU 512, byte vocabulary; AdamW with a linear warm-up and cosine decay, sequences of 256
 * bytes, 8 per step, 600 steps.
 */
public record TrainingConfig(
    int layers,
    int dModel,
    int heads,
    int kvHeads,
    int headDim,
    int ffnDim,
    int length,
    int batch,
    int steps,
    int warmupSteps,
    double learningRate,
    double finalLearningRateRatio,
    double weightDecay,
    double clipNorm,
    long seed) {

  public static final int VOCAB = 256;

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts from the shipped backbone's configuration; each setter changes one value. Not
   * thread-safe.
   */
  public static final class Builder {
    private int layers = 6;
    private int dModel = 256;
    private int heads = 8;
    private int kvHeads = 2;
    private int headDim = 32;
    private int ffnDim = 512;
    private int length = 256;
    private int batch = 8;
    private int steps = 600;
    private Integer warmupSteps; // unset: a tenth of the steps, at most 60
    private double learningRate = 2.5e-3;
    private double finalLearningRateRatio = 0.1;
    private double weightDecay = 0.01;
    private double clipNorm = 1.0;
    private long seed = 20261123L;

    private Builder() {}

    public Builder layers(int layers) {
      this.layers = layers;
      return this;
    }

    public Builder dModel(int dModel) {
      this.dModel = dModel;
      return this;
    }

    /** Query heads over key/value heads (GQA). */
    public Builder heads(int heads, int kvHeads) {
      this.heads = heads;
      this.kvHeads = kvHeads;
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

    /** Bytes per training sequence, and so the backbone's context. */
    public Builder length(int length) {
      this.length = length;
      return this;
    }

    /** Sequences per optimiser step. */
    public Builder batch(int batch) {
      this.batch = batch;
      return this;
    }

    public Builder steps(int steps) {
      this.steps = steps;
      return this;
    }

    public Builder warmupSteps(int warmupSteps) {
      this.warmupSteps = warmupSteps;
      return this;
    }

    /** The peak rate, reached at the end of the warm-up. */
    public Builder learningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** Where the cosine decay ends, as a fraction of the peak rate. */
    public Builder finalLearningRateRatio(double finalLearningRateRatio) {
      this.finalLearningRateRatio = finalLearningRateRatio;
      return this;
    }

    public Builder weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** The global gradient norm above which gradients are scaled down. */
    public Builder clipNorm(double clipNorm) {
      this.clipNorm = clipNorm;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public TrainingConfig build() {
      return new TrainingConfig(
          layers,
          dModel,
          heads,
          kvHeads,
          headDim,
          ffnDim,
          length,
          batch,
          steps,
          warmupSteps == null ? Math.min(60, steps / 10) : warmupSteps,
          learningRate,
          finalLearningRateRatio,
          weightDecay,
          clipNorm,
          seed);
    }
  }

  public Candidate architecture() {
    return Candidate.builder()
        .layers(layers)
        .dModel(dModel)
        .heads(heads, kvHeads)
        .headDim(headDim)
        .ffnDim(ffnDim)
        .vocabSize(VOCAB)
        .weightBits(32)
        .build();
  }

  /** Learning rate at a step: linear warm-up, then cosine decay to the final ratio. */
  public double learningRate(int step) {
    if (step < warmupSteps) {
      return learningRate * (step + 1) / warmupSteps;
    }
    double progress = (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    return learningRate * (finalLearningRateRatio + (1 - finalLearningRateRatio) * cosine);
  }
}
