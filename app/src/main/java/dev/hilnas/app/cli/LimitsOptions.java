package dev.hilnas.app.cli;

import dev.hilnas.core.Limits;
import picocli.CommandLine.Option;

/**
 * The limits input is checked against (docs/contracts.md, "Limits"), for the commands that read
 * input. Each may lower a default, not raise it; the other limits keep their defaults. Like every
 * option, each also comes from the environment ({@code HILNAS_MAX_LAYERS}) or the properties file.
 * The two doubles spell their defaults out: picocli would print 3600000.0 and 1.0E7.
 */
final class LimitsOptions {

  @Option(
      names = "--max-latency-ms",
      paramLabel = "MS",
      description = "Reject latencies and samples longer than this (default: 3600000, one hour).")
  double maxLatencyMs = Limits.DEFAULTS.maxLatencyMs();

  @Option(
      names = "--max-perplexity",
      paramLabel = "N",
      description = "Reject quality values higher than this (default: 10000000).")
  double maxPerplexity = Limits.DEFAULTS.maxPerplexity();

  @Option(
      names = "--max-context",
      paramLabel = "TOKENS",
      description = "Reject longer contexts, objectives and windows (default: ${DEFAULT-VALUE}).")
  int maxContext = Limits.DEFAULTS.maxContextLength();

  @Option(
      names = "--max-layers",
      paramLabel = "N",
      description = "Reject candidates with more layers (default: ${DEFAULT-VALUE}).")
  int maxLayers = Limits.DEFAULTS.maxLayers();

  @Option(
      names = "--max-d-model",
      paramLabel = "N",
      description = "Reject candidates with a wider dModel (default: ${DEFAULT-VALUE}).")
  int maxDModel = Limits.DEFAULTS.maxDModel();

  @Option(
      names = "--max-vocab",
      paramLabel = "N",
      description = "Reject candidates with a larger vocabulary (default: ${DEFAULT-VALUE}).")
  int maxVocab = Limits.DEFAULTS.maxVocabSize();

  /**
   * @throws IllegalArgumentException when an option is not positive or above its default
   */
  Limits limits() {
    return Limits.builder()
        .maxLatencyMs(maxLatencyMs)
        .maxPerplexity(maxPerplexity)
        .maxContextLength(maxContext)
        .maxLayers(maxLayers)
        .maxDModel(maxDModel)
        .maxVocabSize(maxVocab)
        .build();
  }
}
