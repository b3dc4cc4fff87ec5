package dev.hilnas.producers.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Times candidates with an external benchmark command — how a fleet plugs in ExecuTorch's or
 * llama.cpp's tools. Per candidate the command runs once, under {@code sh -c}, with the candidate
 * JSON (docs/contracts.md) on stdin and in the file named by {@code HILNAS_CANDIDATE_FILE}, and
 * {@code HILNAS_OBJECTIVES} (e.g. {@code PREFILL@256,DECODE@256}), {@code HILNAS_WARMUPS} and
 * {@code HILNAS_REPETITIONS} in its environment. It prints one JSON object on stdout: {@code
 * {"latencyMs": {"PREFILL@256": [12.1, 12.4, 11.9], "DECODE@256": 3.2}}} — samples, or one number
 * per objective. Thread-safe.
 */
public final class CommandRunner implements Runner {

  private static final int STDERR_SHOWN = 400;
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final String command;
  private final Duration timeout;

  public CommandRunner(String command, Duration timeout) {
    this.command = command;
    this.timeout = timeout;
  }

  @Override
  public String runtime() {
    return "cmd";
  }

  @Override
  public List<Double> time(Candidate candidate, Objective objective, int warmups, int repetitions) {
    return timeAll(candidate, List.of(objective), warmups, repetitions).get(objective);
  }

  @Override
  public Map<Objective, List<Double>> timeAll(
      Candidate candidate, List<Objective> objectives, int warmups, int repetitions) {
    Path file = null;
    try {
      byte[] json = Json.MAPPER.writeValueAsBytes(CandidateJson.toMap(candidate));
      file = Files.createTempFile("hilnas-candidate-", ".json");
      Files.write(file, json);
      ProcessBuilder builder = new ProcessBuilder("sh", "-c", command);
      builder.environment().put("HILNAS_CANDIDATE_FILE", file.toString());
      builder
          .environment()
          .put(
              "HILNAS_OBJECTIVES",
              objectives.stream().map(Objective::toString).collect(Collectors.joining(",")));
      builder.environment().put("HILNAS_WARMUPS", Integer.toString(warmups));
      builder.environment().put("HILNAS_REPETITIONS", Integer.toString(repetitions));
      Process process = builder.start();
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
      try (var stdin = process.getOutputStream()) {
        stdin.write(json);
      } catch (IOException e) {
        // the command need not read stdin; it has the file
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(process);
        throw new IllegalStateException(
            "runner command timed out after " + timeout + ": " + command);
      }
      String stderr = tail(new String(err.join(), StandardCharsets.UTF_8));
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "runner command exited with " + process.exitValue() + ": " + stderr);
      }
      return parse(new String(out.join(), StandardCharsets.UTF_8), objectives);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run the runner command: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the runner command ran", e);
    } finally {
      if (file != null) {
        file.toFile().delete();
      }
    }
  }

  /**
   * Kills the command and everything it started, children first (once the shell is gone they are no
   * longer its descendants), and waits a while for them to go: a benchmark left running would skew
   * the next measurements and hold the output pipes open.
   */
  private static void killTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    CompletableFuture.allOf(
            tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .join();
  }

  /**
   * The samples per objective from the command's output, or a message saying what is wrong with it.
   */
  static Map<Objective, List<Double>> parse(String stdout, List<Objective> objectives) {
    JsonNode latency;
    try {
      latency = Json.MAPPER.readTree(stdout).path("latencyMs");
    } catch (IOException e) {
      throw new IllegalStateException("runner command did not print JSON: " + tail(stdout));
    }
    Map<Objective, List<Double>> out = new LinkedHashMap<>();
    for (Objective o : objectives) {
      JsonNode value = latency.path(o.toString());
      List<Double> samples = new ArrayList<>();
      if (value.isNumber()) {
        samples.add(value.asDouble());
      } else if (value.isArray()) {
        value.forEach(v -> samples.add(v.isNumber() ? v.asDouble() : Double.NaN));
      }
      if (samples.isEmpty() || samples.stream().anyMatch(s -> !Double.isFinite(s) || s <= 0)) {
        throw new IllegalStateException(
            "runner output needs latencyMs."
                + o
                + " as a number or a list of numbers > 0, got "
                + (value.isMissingNode() ? "nothing" : value.toString()));
      }
      out.put(o, samples);
    }
    return out;
  }

  /** Reads a pipe to its end on its own thread, so a chatty command never blocks on a full pipe. */
  private static byte[] drain(java.io.InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(String s) {
    String t = s.strip();
    return t.length() <= STDERR_SHOWN ? t : "..." + t.substring(t.length() - STDERR_SHOWN);
  }
}
