package dev.hilnas.llm.quality;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Quality;
import dev.hilnas.llm.runtime.Decoder;
import dev.hilnas.llm.runtime.Weights;

/**
 * Perplexity of a pruned candidate on held-out text: the first {@code tokens} bytes scored in
 * consecutive windows of the backbone's context length, each byte predicted from the bytes before
 * it in its window. Deterministic: the same candidate and budget give the same value on any thread
 * count.
 */
public final class PerplexityEvaluator {

  /** The default budget: 16 windows of 256 bytes. */
  public static final int DEFAULT_TOKENS = 4096;

  /**
   * @param value perplexity per byte; @param tokens bytes scored
   */
  public record Result(double value, int tokens) {}

  /** Names the held-out split and budget in every evaluation, so different budgets never mix. */
  public String dataset() {
    return "kjv-heldout/" + tokens + "B";
  }

  /** Names the backbone the candidates inherit from. */
  public String evaluator() {
    return "hilnas-inherited/" + backbone.architecture().archId();
  }

  /** The evaluation as the domain value that goes on hil.quality. */
  public Quality quality(String candidateId, Candidate candidate) {
    return new Quality(
        candidateId,
        candidate,
        Quality.PERPLEXITY,
        evaluate(candidate).value(),
        dataset(),
        evaluator());
  }

  private final Backbone backbone;
  private final byte[] heldOut;
  private final int tokens;
  private final int threads;

  public PerplexityEvaluator(Backbone backbone, byte[] heldOut, int tokens, int threads) {
    int window = backbone.contextLength();
    if (tokens < window || tokens % window != 0) {
      throw new IllegalArgumentException(
          "the token budget must be a multiple of the context length "
              + window
              + ", got "
              + tokens);
    }
    if (heldOut.length < tokens + 1) {
      throw new IllegalArgumentException(
          "the held-out text has " + heldOut.length + " bytes; " + (tokens + 1) + " are needed");
    }
    this.backbone = backbone;
    this.heldOut = heldOut;
    this.tokens = tokens;
    this.threads = threads;
  }

  /** The shipped backbone on its held-out text with the default budget. */
  public static PerplexityEvaluator shipped(int threads) {
    return new PerplexityEvaluator(
        Backbone.shipped(), Backbone.shippedHeldOut(), DEFAULT_TOKENS, threads);
  }

  /** Bytes scored per candidate. */
  public int tokens() {
    return tokens;
  }

  public Backbone backbone() {
    return backbone;
  }

  /**
   * @throws IllegalArgumentException when the candidate is not a pruning of the backbone
   */
  public Result evaluate(Candidate candidate) {
    return evaluate(candidate, Pruning.prune(backbone, candidate));
  }

  /** Scores given weights of the candidate's shape, e.g. a pruning that keeps other layers. */
  Result evaluate(Candidate candidate, Weights weights) {
    int window = backbone.contextLength();
    int vocab = candidate.vocabSize();
    double nll = 0;
    try (Decoder decoder = new Decoder(weights, threads)) {
      Decoder.Session session = decoder.newSession(window);
      for (int from = 0; from < tokens; from += window) {
        session.reset();
        int[] input = Corpus.tokens(heldOut, from, window);
        float[] logits = decoder.prefillAll(session, input);
        for (int i = 0; i < window; i++) {
          int off = i * vocab;
          double max = Double.NEGATIVE_INFINITY;
          for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[off + v]);
          }
          double sum = 0;
          for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[off + v] - max);
          }
          nll += max + Math.log(sum) - logits[off + (heldOut[from + i + 1] & 0xFF)];
        }
      }
    }
    return new Result(Math.exp(nll / tokens), tokens);
  }

  /**
   * Perplexity of the byte frequencies of the training-free baseline: a unigram model fitted on the
   * scored text itself.
   */
  public double unigramPerplexity() {
    double[] counts = new double[TrainingConfig.VOCAB];
    for (int i = 1; i <= tokens; i++) {
      counts[heldOut[i] & 0xFF]++;
    }
    double nll = 0;
    for (double c : counts) {
      if (c > 0) {
        nll -= c * Math.log(c / tokens);
      }
    }
    return Math.exp(nll / tokens);
  }
}
