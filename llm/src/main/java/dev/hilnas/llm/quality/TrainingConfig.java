package dev.hilnas.llm.quality;

import dev.hilnas.core.Candidate;

/**
 * How the backbone is trained. The defaults are the shipped backbone's: 6 layers, dModel 256,
 * 8 query heads over 2 KV heads of 32, SwiGLU 512, byte vocabulary; AdamW with a linear warm-up
 * and cosine decay, sequences of 256 bytes, 8 per step.
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

  public static TrainingConfig shipped(int steps) {
    return new TrainingConfig(6, 256, 8, 2, 32, 512, 256, 8, steps, Math.min(60, steps / 10),
        2.5e-3, 0.1, 0.01, 1.0, 20261123L);
  }

  public Candidate architecture() {
    return Candidate.builder()
        .layers(layers).dModel(dModel).heads(heads, kvHeads).headDim(headDim).ffnDim(ffnDim).vocabSize(VOCAB)
        .weightBits(32).build();
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
