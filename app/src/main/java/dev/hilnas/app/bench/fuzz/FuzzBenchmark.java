package dev.hilnas.app.bench.fuzz;

import dev.hilnas.app.bench.IngestBenchmark;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.Topics;
import dev.hilnas.sinks.state.MaterializedState;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Hostile input on every path into a running stack ({@code hilnas serve}), valid records among it,
 * and what the stack made of it: per path, what it accepted, what it refused and why, its server
 * errors, the job's restarts and the query service's Streams errors while the path ran, and whether
 * the valid records were counted exactly once. Writes to targets named after the run ({@code
 * fuzz-1a2b3c4d/…}), but quality evaluations belong to every target: run it against a stack whose
 * data can be thrown away.
 */
public final class FuzzBenchmark {
  private FuzzBenchmark() {}

  /**
   * @param cases per path
   * @param url the stack's HTTP root
   * @param bootstrap the stack's Kafka
   * @param token a device's token for {@code http-ingest}, or null to skip that path
   * @param ingestTarget the target the device may report for, where its lines go; null without one
   * @param seed of every path's cases: the same seed sends the same fuzz
   */
  public record Settings(
      int cases, URI url, String bootstrap, String token, HardwareTarget ingestTarget, long seed) {}

  /**
   * @param run the run's id, the hardware of the targets it wrote to
   * @param healthy whether {@code /healthz} said UP at the end
   */
  public record Report(String run, long seed, int cases, List<PathReport> paths, boolean healthy) {
    public long serverErrors() {
      return paths.stream().mapToLong(PathReport::serverErrors).sum();
    }

    /** Over the whole run; null when the stack exports no restart count. */
    public Long jobRestarts() {
      return sum(paths.stream().map(PathReport::jobRestarts).toList());
    }

    /** Over the whole run; null when the stack exports no Streams figures. */
    public Long streamsErrors() {
      return sum(paths.stream().map(PathReport::streamsErrors).toList());
    }

    public boolean validCountedOnce() {
      return paths.stream().allMatch(p -> p.skipped() != null || p.valid().countedOnce());
    }

    /** No server error, restart or Streams error, every valid record counted once, still UP. */
    public boolean clean() {
      return healthy && paths.stream().allMatch(PathReport::clean);
    }

    private static Long sum(List<Long> values) {
      return values.stream().allMatch(Objects::isNull)
          ? null
          : values.stream().filter(Objects::nonNull).mapToLong(Long::longValue).sum();
    }
  }

  /** A path as the run sends it. */
  private interface Step {
    Tally send(Random r, DeadLetterWatch letters) throws Exception;
  }

  public static Report run(Settings s, Consumer<String> progress) throws Exception {
    LiveStack stack = new LiveStack(s.url());
    stack.awaitUp(Duration.ofMinutes(1));
    Path scratch = Files.createTempDirectory("hilnas-fuzz");
    String id = "fuzz-" + UUID.randomUUID().toString().substring(0, 8);
    FuzzRun run = new FuzzRun(id, s.cases(), s.bootstrap(), stack, scratch);
    progress.accept(
        String.format(
            "bench fuzz %s: %,d cases per path against %s (Kafka %s), seed %d",
            id, s.cases(), s.url(), s.bootstrap(), s.seed()));
    ImportFuzz files = new ImportFuzz(run);
    HttpFuzz http = new HttpFuzz(run, run.target("import-jsonl"));
    // in this order: the HTTP reads need the model that the JSONL import makes
    Map<String, Step> steps = new LinkedHashMap<>();
    steps.put("import-jsonl", (r, letters) -> files.jsonl(r));
    steps.put("import-csv", (r, letters) -> files.csv(r));
    steps.put("http-ingest", (r, letters) -> http.ingest(r, s.token(), s.ingestTarget()));
    steps.put("topic-measurements", (r, letters) -> new TopicFuzz(run, letters).measurements(r));
    steps.put("topic-quality", (r, letters) -> new TopicFuzz(run, letters).quality(r));
    steps.put("topic-candidates", (r, letters) -> new TopicFuzz(run, letters).candidates(r));
    steps.put("http-get", (r, letters) -> http.get(r));
    steps.put("http-predict", (r, letters) -> http.predict(r));
    steps.put("candidate-files", (r, letters) -> CandidateFileFuzz.run(s.cases(), scratch, r));
    List<PathReport> reports = new ArrayList<>();
    try {
      Map<String, Double> before = stack.metrics();
      for (var step : steps.entrySet()) {
        String path = step.getKey();
        if (path.equals("http-ingest") && s.token() == null) {
          reports.add(PathReport.skipped(path, "no --token: device ingest needs a device's token"));
          continue;
        }
        long start = System.nanoTime();
        Tally tally;
        try (DeadLetterWatch letters = new DeadLetterWatch(s.bootstrap())) {
          tally = step.getValue().send(new Random(s.seed() ^ path.hashCode()), letters);
          for (DeadLetter l : letters.drain()) {
            if (DeadLetterWatch.QUARANTINE.contains(l.getComponent())) {
              tally.serverError("the job's " + l.getComponent() + " threw: " + l.getReason());
            }
          }
        }
        Map<String, Double> after = stack.metrics();
        PathReport report =
            tally.report(
                increase(before, after, Stack.JOB_RESTARTS),
                // hostile records on hil.candidates and hil.dlq, which clients write, are the query
                // service's to skip; one it skips on the job's own output is an error
                increase(
                    before,
                    after,
                    MaterializedState.SKIPPED_RECORDS + "|" + Topics.LATENCY_MODELS.name(),
                    MaterializedState.SKIPPED_RECORDS + "|" + Topics.FRONTIERS.name(),
                    MaterializedState.FAILURES));
        reports.add(report);
        before = after;
        progress.accept(
            String.format(
                "  %-18s done in %.0f s: %,d accepted, %,d rejected, %d server errors",
                path,
                (System.nanoTime() - start) / 1e9,
                report.accepted(),
                report.rejected(),
                report.serverErrors()));
      }
      return new Report(id, s.seed(), s.cases(), reports, stack.healthy());
    } finally {
      IngestBenchmark.deleteQuietly(scratch);
    }
  }

  /** How much the metrics grew, summed; null when the stack exports none of them. */
  private static Long increase(
      Map<String, Double> before, Map<String, Double> after, String... metrics) {
    Long sum = null;
    for (String metric : metrics) {
      if (after.containsKey(metric)) {
        long grown = Math.round(after.get(metric) - before.getOrDefault(metric, 0.0));
        sum = sum == null ? grown : sum + grown;
      }
    }
    return sum;
  }
}
