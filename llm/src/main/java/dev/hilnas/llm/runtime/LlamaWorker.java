package dev.hilnas.llm.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.llm.runtime.gguf.GgmlType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The child process of {@link LlamaCppProcessRunner}: holds one in-process {@link LlamaCppRunner}
 * and times candidates for its parent, one JSON line per request on stdin and one {@link #REPLY}
 * line per answer on stdout. Its first line says the runtime (or why llama.cpp does not start); it
 * exits when stdin ends.
 *
 * <p>Arguments: threads, weight type ({@code Q8_0} or {@code Q4_0}), seed.
 */
public final class LlamaWorker {

  /**
   * Starts every reply line: the natives may also write to stdout (the process's, not System.out),
   * so the parent takes only what follows this mark.
   */
  static final String REPLY = "@hilnas-llama-worker ";

  static final ObjectMapper JSON = new ObjectMapper();

  /** Time every objective of one candidate, as {@link LlamaCppRunner#timeAll}. */
  record Request(Candidate candidate, List<Objective> objectives, int warmups, int repetitions) {}

  /**
   * One answer: the first says the runtime; the others the samples per objective (in the request's
   * order) and the runner's environment; any of them an error instead.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Reply(
      String runtime, List<List<Double>> samples, Map<String, String> environment, String error) {

    static Reply failed(Throwable e) {
      return new Reply(null, null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private LlamaWorker() {}

  public static void main(String[] args) throws IOException {
    PrintStream replies = System.out;
    System.setOut(System.err); // whatever else prints goes to the log, not the replies
    int threads = Integer.parseInt(args[0]);
    GgmlType weights = GgmlType.valueOf(args[1]);
    long seed = Long.parseLong(args[2]);
    LlamaCppRunner runner;
    try {
      runner = new LlamaCppRunner(threads, weights, seed);
    } catch (RuntimeException | LinkageError e) {
      reply(replies, Reply.failed(e));
      System.exit(1);
      return;
    }
    try (runner) {
      reply(replies, new Reply(runner.runtime(), null, null, null));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        reply(replies, serve(runner, line));
      }
    }
    System.exit(0); // no thread the natives may have left keeps the process
  }

  private static Reply serve(LlamaCppRunner runner, String line) {
    try {
      Request r = JSON.readValue(line, Request.class);
      Map<Objective, List<Double>> timed =
          runner.timeAll(r.candidate(), r.objectives(), r.warmups(), r.repetitions());
      return new Reply(
          null, r.objectives().stream().map(timed::get).toList(), runner.environment(), null);
    } catch (JsonProcessingException | RuntimeException e) {
      return Reply.failed(e);
    }
  }

  private static void reply(PrintStream replies, Reply reply) throws JsonProcessingException {
    replies.println(REPLY + JSON.writeValueAsString(reply));
    replies.flush();
  }
}
