package dev.hilnas.app.cli;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.core.search.SearchLoop;
import dev.hilnas.core.search.SearchSpace;
import dev.hilnas.llm.quality.Backbone;
import dev.hilnas.producers.search.SearchProducer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The search producer's options, shared by {@code search} and {@code demo}. */
final class SearchOptions {

  @Option(
      names = "--max-params",
      defaultValue = "0",
      description = "Only candidates with at most this many parameters (default: no limit).")
  long maxParams;

  @Option(
      names = "--max-kv-bytes",
      defaultValue = "0",
      description = "Only candidates whose fp16 KV cache at 8k tokens fits (default: no limit).")
  long maxKvBytes;

  @Option(
      names = "--budget",
      paramLabel = "TARGET:PHASE@TOKENS=MS",
      description = "A latency budget, e.g. x86-1thread/java-cpu/fp32:DECODE@256=5; repeatable.")
  List<String> budgets = List.of();

  @Option(
      names = "--in-flight",
      defaultValue = "2",
      description = "Pending requests kept per agent (default: ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--max-attempts",
      defaultValue = "3",
      description =
          "Times a candidate is requested on a target before its failures (agents' dead letters in"
              + " hil.dlq) make the search give up on it there (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(
      names = "--confirmations",
      defaultValue = "3",
      description =
          "Measurements a frontier point should rest on: a point measured fewer times on its target"
              + " is requested again, since the frontier keeps the luckiest of noisy measurements; 1"
              + " measures each candidate once, 16 at most (default: ${DEFAULT-VALUE}).")
  int confirmations;

  @Option(
      names = "--strategy",
      defaultValue = "hilnas",
      description =
          "How candidates are chosen: hilnas (latency model + quality predictor), random, or nsga2"
              + " (steady-state NSGA-II, no surrogate) (default: ${DEFAULT-VALUE}).")
  String strategy;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Search randomness (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--backbone",
      defaultValue = "shipped",
      description =
          "What candidates prune: shipped (the trained byte-level backbone, quality evaluated) or mobilellm"
              + " (24 layers, dModel 2048: latency-only, the search learns the latency model) (default: ${DEFAULT-VALUE}).")
  String backbone;

  private static final String LEARN_OBJECTIVES = "PREFILL@512,DECODE@512";

  @Option(
      names = "--learn-objectives",
      split = ",",
      paramLabel = "PHASE@TOKENS",
      description =
          "Whose latency the search learns, and asks agents to time, on a target without frontiers yet (default: "
              + LEARN_OBJECTIVES
              + "; in demo, its --objectives).")
  List<String> learnObjectives;

  /** Where {@code --learn-objectives} is not given: these rather than {@link #LEARN_OBJECTIVES}. */
  void learnByDefault(List<String> objectives) {
    if (learnObjectives == null) {
      learnObjectives = objectives;
    }
  }

  SearchProducer.Settings settings(Map<String, Integer> capacity, Limits limits) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("--max-attempts must be >= 1, got " + maxAttempts);
    }
    Map<String, Map<Objective, Double>> byTarget = new HashMap<>();
    for (String b : budgets) {
      int colon = b.lastIndexOf(':');
      int equals = b.lastIndexOf('=');
      if (colon < 1 || equals < colon) {
        throw new IllegalArgumentException(
            "--budget must look like TARGET:PHASE@TOKENS=MS, got " + b);
      }
      double ms;
      try {
        ms = Double.parseDouble(b.substring(equals + 1));
      } catch (NumberFormatException e) {
        ms = Double.NaN;
      }
      if (!(Double.isFinite(ms) && ms > 0)) { // no candidate fits a budget of nothing
        throw new IllegalArgumentException(
            "--budget: a latency budget is milliseconds > 0, got " + b.substring(equals + 1));
      }
      byTarget
          .computeIfAbsent(HardwareTarget.parse(b.substring(0, colon)).id(), t -> new HashMap<>())
          .put(limits.check(Objective.parse(b.substring(colon + 1, equals))), ms);
    }
    var architecture =
        switch (backbone) {
          case "shipped" -> Backbone.shipped().architecture();
          case "mobilellm" -> SearchSpace.mobileLlmScale();
          default ->
              throw new IllegalArgumentException(
                  "--backbone must be shipped or mobilellm, got " + backbone);
        };
    SearchSpace space =
        SearchSpace.of(architecture, new SearchSpace.Constraints(maxParams, maxKvBytes), limits);
    return new SearchProducer.Settings(
        space,
        strategy,
        new SearchLoop.Settings(
            capacity,
            1,
            inFlight,
            Duration.ofMinutes(10),
            maxAttempts,
            byTarget,
            (learnObjectives != null ? learnObjectives : List.of(LEARN_OBJECTIVES.split(",")))
                .stream().map(o -> limits.check(Objective.parse(o))).toList(),
            confirmations),
        Duration.ofSeconds(2),
        seed);
  }
}
