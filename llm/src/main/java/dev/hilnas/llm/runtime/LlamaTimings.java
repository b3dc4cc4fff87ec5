package dev.hilnas.llm.runtime;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's own timings of one request, as its server slot logs them when the request ends:
 * {@code prompt eval time = 12.34 ms / 128 tokens (...)} and {@code eval time = 5.67 ms / 32 tokens
 * (...)}.
 *
 * @param promptMs time to evaluate the prompt tokens it had to evaluate, ms
 * @param promptTokens prompt tokens evaluated (fewer than the prompt when its start was cached)
 * @param evalMs time to generate the tokens, ms
 * @param evalTokens tokens generated
 */
public record LlamaTimings(double promptMs, int promptTokens, double evalMs, int evalTokens) {

  private static final Pattern PROMPT =
      Pattern.compile("prompt eval time\\s*=\\s*([0-9.]+) ms\\s*/\\s*(\\d+) tokens");
  private static final Pattern EVAL =
      Pattern.compile("(?<!prompt )eval time\\s*=\\s*([0-9.]+) ms\\s*/\\s*(\\d+) (?:tokens|runs)");

  /** The timings in {@code log} (one or more log messages), once both lines are there. */
  public static Optional<LlamaTimings> parse(CharSequence log) {
    Matcher prompt = PROMPT.matcher(log);
    Matcher eval = EVAL.matcher(log);
    if (!prompt.find() || !eval.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new LlamaTimings(
            Double.parseDouble(prompt.group(1)),
            Integer.parseInt(prompt.group(2)),
            Double.parseDouble(eval.group(1)),
            Integer.parseInt(eval.group(2))));
  }
}
