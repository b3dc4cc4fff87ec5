package dev.hilnas.core;

import java.io.Serializable;
import java.util.Map;

/**
 * The largest values hilnas accepts from outside. Every path that reads a measurement, a quality
 * evaluation, a candidate or an objective checks it against one {@code Limits} (docs/contracts.md,
 * "Limits"); the constructors of those values check only that they are well-formed (finite, > 0).
 * The bounds keep what later stages compute from the values finite — frontier reference points at
 * twice the worst latency and quality, their hypervolume, latency-model fits, parameter counts as
 * longs — and are generous for real LLMs. Limits can be lowered, not raised: the defaults are the
 * bounds those stages were checked for. Immutable; serializable for the Flink job.
 *
 * @param maxLatencyMs the longest latency, and sample, in ms
 * @param maxSamples the most samples one measurement carries
 * @param maxPerplexity the highest perplexity
 * @param maxContextLength the longest context in tokens: of measurements, objectives, prediction
 *     requests, and a LOCAL layer's window
 * @param maxLayers the most layers of a candidate
 * @param maxDModel the widest hidden size
 * @param maxVocabSize the largest vocabulary
 * @param maxHeads the most query heads of a layer (its key/value heads divide them)
 * @param maxHeadDim the widest attention head
 * @param maxFfnDim the widest FFN
 * @param maxTextLength the longest id or label in characters: measurement, candidate and agent ids,
 *     dataset, evaluator, environment keys and values
 * @param maxEnvironmentEntries the most environment entries of a measurement
 */
public record Limits(
    double maxLatencyMs,
    int maxSamples,
    double maxPerplexity,
    int maxContextLength,
    int maxLayers,
    int maxDModel,
    int maxVocabSize,
    int maxHeads,
    int maxHeadDim,
    int maxFfnDim,
    int maxTextLength,
    int maxEnvironmentEntries)
    implements Serializable {

  private static final double ONE_HOUR_MS = 3_600_000;
  private static final int SAMPLES = 10_000;
  private static final int TOKENS = 1 << 20;
  // ten times the perplexity of a uniform guess over the largest vocabulary
  private static final double PERPLEXITY = 10_000_000;
  private static final int LAYERS = 1_024;
  private static final int D_MODEL = 65_536;
  private static final int VOCAB = 1 << 20;
  private static final int HEADS = 1_024;
  private static final int HEAD_DIM = 1_024;
  private static final int FFN = 262_144;
  private static final int TEXT = 256;
  private static final int ENVIRONMENT = 64;

  /**
   * One hour per forward pass, 1,048,576 tokens, 1,024 layers, dModel 65,536, a vocabulary of
   * 1,048,576: beyond every LLM that runs on a device today.
   */
  public static final Limits DEFAULTS = builder().build();

  public Limits {
    inRange("maxLatencyMs", maxLatencyMs, ONE_HOUR_MS);
    inRange("maxSamples", maxSamples, SAMPLES);
    inRange("maxPerplexity", maxPerplexity, PERPLEXITY);
    inRange("maxContextLength", maxContextLength, TOKENS);
    inRange("maxLayers", maxLayers, LAYERS);
    inRange("maxDModel", maxDModel, D_MODEL);
    inRange("maxVocabSize", maxVocabSize, VOCAB);
    inRange("maxHeads", maxHeads, HEADS);
    inRange("maxHeadDim", maxHeadDim, HEAD_DIM);
    inRange("maxFfnDim", maxFfnDim, FFN);
    inRange("maxTextLength", maxTextLength, TEXT);
    inRange("maxEnvironmentEntries", maxEnvironmentEntries, ENVIRONMENT);
  }

  /** Starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return {@code c}
   * @throws IllegalArgumentException {@code candidate: <field> must be at most <bound>, got
   *     <value>}
   */
  public Candidate check(Candidate c) {
    try {
      checkLayers(c.layerCount());
      atMost("dModel", c.dModel(), maxDModel);
      atMost("vocabSize", c.vocabSize(), maxVocabSize);
      atMost("headDim", c.headDim(), maxHeadDim);
      atMost("window", c.window(), maxContextLength);
      for (LayerSpec l : c.layers()) {
        atMost("nHeads", l.nHeads(), maxHeads);
        atMost("ffnDim", l.ffnDim(), maxFfnDim);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("candidate: " + e.getMessage());
    }
    return c;
  }

  /**
   * A candidate's layer count before its layers are made: the compact form would make them all.
   *
   * @return {@code layers}
   */
  public int checkLayers(int layers) {
    return atMost("layers", layers, maxLayers);
  }

  /**
   * @return {@code tokens}
   */
  public int checkContextLength(int tokens) {
    return atMost("contextLength", tokens, maxContextLength);
  }

  /**
   * @return {@code o}
   */
  public Objective check(Objective o) {
    try {
      checkContextLength(o.contextLength());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("objective " + o + ": " + e.getMessage());
    }
    return o;
  }

  /**
   * @return {@code m}
   */
  public Measurement check(Measurement m) {
    text("measurementId", m.id());
    text("candidateId", m.candidateId());
    check(m.candidate());
    checkContextLength(m.contextLength());
    atMost("latencyMs", m.latencyMs(), maxLatencyMs);
    if (m.samplesMs().size() > maxSamples) {
      throw new IllegalArgumentException(
          "samplesMs must have at most " + maxSamples + " entries, got " + m.samplesMs().size());
    }
    for (int i = 0; i < m.samplesMs().size(); i++) {
      atMost("samplesMs[" + i + "]", m.samplesMs().get(i), maxLatencyMs);
    }
    text("agentId", m.agentId());
    if (m.environment().size() > maxEnvironmentEntries) {
      throw new IllegalArgumentException(
          "environment must have at most "
              + maxEnvironmentEntries
              + " entries, got "
              + m.environment().size());
    }
    for (Map.Entry<String, String> e : m.environment().entrySet()) {
      text("environment key", e.getKey());
      text("environment['" + e.getKey() + "']", e.getValue());
    }
    return m;
  }

  /**
   * @return {@code q}
   */
  public Quality check(Quality q) {
    text("candidateId", q.candidateId());
    check(q.candidate());
    atMost("value", q.value(), maxPerplexity);
    text("dataset", q.dataset());
    text("evaluator", q.evaluator());
    return q;
  }

  private static int atMost(String field, int value, int bound) {
    if (value > bound) {
      throw new IllegalArgumentException(field + " must be at most " + bound + ", got " + value);
    }
    return value;
  }

  private static void atMost(String field, double value, double bound) {
    if (value > bound) {
      throw new IllegalArgumentException(
          field + " must be at most " + number(bound) + ", got " + value);
    }
  }

  private void text(String field, String value) {
    if (value != null && value.length() > maxTextLength) {
      throw new IllegalArgumentException(
          field + " must be at most " + maxTextLength + " characters, got " + value.length());
    }
  }

  private static void inRange(String field, double value, double ceiling) {
    if (!(value > 0) || value > ceiling) {
      throw new IllegalArgumentException(
          field + " must be in (0, " + number(ceiling) + "], got " + value);
    }
  }

  private static void inRange(String field, int value, int ceiling) {
    if (value < 1 || value > ceiling) {
      throw new IllegalArgumentException(field + " must be in 1.." + ceiling + ", got " + value);
    }
  }

  /** A bound as people write it: 3600000, not 3600000.0. */
  private static String number(double bound) {
    return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
  }

  /** Starts from the defaults; each setter may lower one. Not thread-safe. */
  public static final class Builder {
    private double maxLatencyMs = ONE_HOUR_MS;
    private int maxSamples = SAMPLES;
    private double maxPerplexity = PERPLEXITY;
    private int maxContextLength = TOKENS;
    private int maxLayers = LAYERS;
    private int maxDModel = D_MODEL;
    private int maxVocabSize = VOCAB;
    private int maxHeads = HEADS;
    private int maxHeadDim = HEAD_DIM;
    private int maxFfnDim = FFN;
    private int maxTextLength = TEXT;
    private int maxEnvironmentEntries = ENVIRONMENT;

    private Builder() {}

    public Builder maxLatencyMs(double ms) {
      this.maxLatencyMs = ms;
      return this;
    }

    public Builder maxSamples(int samples) {
      this.maxSamples = samples;
      return this;
    }

    public Builder maxPerplexity(double perplexity) {
      this.maxPerplexity = perplexity;
      return this;
    }

    public Builder maxContextLength(int tokens) {
      this.maxContextLength = tokens;
      return this;
    }

    public Builder maxLayers(int layers) {
      this.maxLayers = layers;
      return this;
    }

    public Builder maxDModel(int dModel) {
      this.maxDModel = dModel;
      return this;
    }

    public Builder maxVocabSize(int vocabSize) {
      this.maxVocabSize = vocabSize;
      return this;
    }

    public Builder maxHeads(int heads) {
      this.maxHeads = heads;
      return this;
    }

    public Builder maxHeadDim(int headDim) {
      this.maxHeadDim = headDim;
      return this;
    }

    public Builder maxFfnDim(int ffnDim) {
      this.maxFfnDim = ffnDim;
      return this;
    }

    public Builder maxTextLength(int characters) {
      this.maxTextLength = characters;
      return this;
    }

    public Builder maxEnvironmentEntries(int entries) {
      this.maxEnvironmentEntries = entries;
      return this;
    }

    /**
     * @throws IllegalArgumentException when a limit is not positive or above its default
     */
    public Limits build() {
      return new Limits(
          maxLatencyMs,
          maxSamples,
          maxPerplexity,
          maxContextLength,
          maxLayers,
          maxDModel,
          maxVocabSize,
          maxHeads,
          maxHeadDim,
          maxFfnDim,
          maxTextLength,
          maxEnvironmentEntries);
    }
  }
}
