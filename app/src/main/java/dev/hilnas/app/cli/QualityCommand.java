package dev.hilnas.app.cli;

import dev.hilnas.core.Candidate;
import dev.hilnas.llm.quality.Backbone;
import dev.hilnas.llm.quality.PerplexityEvaluator;
import dev.hilnas.producers.evaluator.QualityEvaluator;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "quality",
    mixinStandardHelpOptions = true,
    description = {
      "Perplexity of a pruning of the shipped backbone; --serve: the evaluator.",
      "",
      "Perplexity per byte of a candidate as a pruning of the shipped backbone (inherited weights, the same Java runtime the agents time) on the held-out King James text, deterministic. --candidate FILE.json scores one candidate, --backbone the full backbone; --serve runs the evaluator: consumes hil.candidates and publishes to hil.quality until Ctrl-C."
    })
final class QualityCommand implements Callable<Integer> {

  static final class What {
    @Option(
        names = "--candidate",
        paramLabel = "FILE.json",
        description = "A candidate, compact or per-layer form.")
    Path candidate;

    @Option(names = "--backbone", description = "The full backbone.")
    boolean backbone;

    @Option(names = "--serve", description = "Run the Kafka evaluator.")
    boolean serve;
  }

  @ArgGroup(multiplicity = "1")
  What what;

  @Option(
      names = "--tokens",
      defaultValue = "" + PerplexityEvaluator.DEFAULT_TOKENS,
      description = "Held-out bytes scored, a multiple of 256 (default: ${DEFAULT-VALUE}).")
  int tokens;

  @Option(names = "--threads", description = "Threads (default: all cores).")
  Integer threads;

  @Option(names = "--json", description = "Make the last line of output one JSON object.")
  boolean json;

  @CommandLine.Mixin KafkaOptions kafka; // for --serve

  @CommandLine.Mixin LimitsOptions limits;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Backbone backbone = Backbone.shipped();
    PerplexityEvaluator evaluator;
    try {
      evaluator = new PerplexityEvaluator(backbone, Backbone.shippedHeldOut(), tokens, n);
    } catch (IllegalArgumentException e) { // said of the option that set it
      throw new IllegalArgumentException("--tokens: " + e.getMessage(), e);
    }
    if (what.serve) {
      return serve(evaluator);
    }
    Candidate candidate =
        what.backbone
            ? backbone.architecture()
            : CandidateJson.read(what.candidate, limits.limits());
    String candidateId =
        what.backbone
            ? "backbone"
            : what.candidate.getFileName().toString().replaceFirst("\\.json$", "");
    PerplexityEvaluator.Result result = evaluator.evaluate(candidate);
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      out.printf(
          Locale.ROOT,
          "%s (%s, %,d parameters): perplexity %.3f per byte over %d held-out bytes (unigram baseline %.2f)%n",
          candidateId,
          candidate.archId(),
          candidate.parameterCount(),
          result.value(),
          result.tokens(),
          evaluator.unigramPerplexity());
    } else {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("candidateId", candidateId);
      line.put("archId", candidate.archId());
      line.put("metric", "perplexity");
      line.put("value", result.value());
      line.put("tokens", result.tokens());
      line.put("dataset", evaluator.dataset());
      line.put("evaluator", evaluator.evaluator());
      out.println(Json.MAPPER.writeValueAsString(line));
    }
    return 0;
  }

  private int serve(PerplexityEvaluator evaluator) throws Exception {
    String id =
        "evaluator-"
            + InetAddress.getLocalHost().getHostName()
            + "-"
            + ProcessHandle.current().pid();
    KafkaConnection connection = kafka.connection();
    // rather than Kafka's client warning twice a second, then failing after a minute
    KafkaReach.await(connection, spec.commandLine().getErr());
    QualityEvaluator worker = new QualityEvaluator(connection, id, evaluator, limits.limits());
    spec.commandLine()
        .getErr()
        .printf(
            "evaluator %s scoring candidates from %s — Ctrl-C stops%n",
            id, connection.bootstrapServers());
    Foreground.run("evaluator", worker::run, worker::close);
    return 0;
  }
}
