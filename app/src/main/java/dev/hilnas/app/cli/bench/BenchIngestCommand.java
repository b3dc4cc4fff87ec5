package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.IngestBenchmark;
import dev.hilnas.schemas.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest throughput: import → Kafka → Flink, next to raw Kafka.",
      "",
      "N synthetic measurements through import → Kafka → Flink (validation + per-target state, exactly-once) until the job's committed output accounts for all of them, next to a raw Kafka produce+consume of the same serialized records on the same embedded broker. With the defaults (3 repetitions, then freshness at 4 rates) it takes about 2 minutes on 2 cores."
    })
final class BenchIngestCommand implements Callable<Integer> {
  @Option(
      names = "--records",
      defaultValue = "200000",
      description = "Measurements per repetition (default: ${DEFAULT-VALUE}).")
  int records;

  @Option(
      names = "--targets",
      defaultValue = "8",
      description = "Hardware targets (default: ${DEFAULT-VALUE}).")
  int targets;

  @Option(
      names = "--repeat",
      defaultValue = "3",
      description = "Repetitions; medians are reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "2s",
      description =
          "Job commit interval; serve, demo and the cluster job commit every 2s (default:"
              + " ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(
      names = "--refit-interval",
      defaultValue = "250ms",
      description =
          "The job's refit interval; targets with new points also refit before each checkpoint"
              + " (default: ${DEFAULT-VALUE}).")
  Duration refitInterval;

  @Option(
      names = "--frontier-interval",
      defaultValue = "250ms",
      description =
          "The job's frontier publish interval; 0ms publishes after each record"
              + " (default: ${DEFAULT-VALUE}).")
  Duration frontierInterval;

  @Option(
      names = "--freshness-rates",
      split = ",",
      defaultValue = "1000,10000,50000,max",
      description =
          "Offered rates (records/s) at which to measure freshness after the throughput rounds;"
              + " max: the pipeline's median throughput just measured; none: skip"
              + " (default: ${DEFAULT-VALUE}).")
  List<String> freshnessRates;

  @Option(
      names = "--freshness-for",
      defaultValue = "5s",
      description =
          "How long each rate is offered, at most --records records (default: ${DEFAULT-VALUE}).")
  Duration freshnessFor;

  @Option(
      names = "--evaluations",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Quality evaluations of N random candidates sent before the rounds, as a long-running"
              + " search leaves them: every new model re-ranks them on each objective of each"
              + " target (default: ${DEFAULT-VALUE}).")
  int evaluations;

  @Option(names = "--json", description = "End the output with one JSON object of the figures.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (records < 1 || repeat < 1 || targets < 1) {
      throw new IllegalArgumentException("--records, --targets and --repeat must be >= 1");
    }
    if (evaluations < 0) {
      throw new IllegalArgumentException("--evaluations must be >= 0, got " + evaluations);
    }
    List<Double> rates = new ArrayList<>();
    for (String rate : freshnessRates) {
      if (rate.equals("none")) {
        continue;
      }
      double r = rate.equals("max") ? 0 : Double.parseDouble(rate);
      if (r < 0 || (r == 0 && !rate.equals("max"))) {
        throw new IllegalArgumentException(
            "--freshness-rates: a rate is records/s > 0, max or none; got " + rate);
      }
      rates.add(r);
    }
    var err = spec.commandLine().getErr();
    err.printf(
        "bench ingest: %,d measurements over %d targets, %,d evaluations, %d repetitions (+ warm-up)%n",
        records, targets, evaluations, repeat);
    IngestBenchmark.Result r =
        IngestBenchmark.run(
            records,
            targets,
            evaluations,
            repeat,
            checkpointInterval,
            refitInterval,
            frontierInterval,
            rates,
            freshnessFor,
            i -> err.printf("  repetition %d/%d done%n", i, repeat));
    var out = spec.commandLine().getOut();
    out.printf(
        "raw Kafka produce+consume      : %,10.0f records/s  %s%n",
        r.rawMedian(), Spread.perSecond(r.rawPerSecond()));
    out.printf(
        "hilnas import→Kafka→Flink (EO) : %,10.0f records/s  %s%n",
        r.pipelineMedian(), Spread.perSecond(r.pipelinePerSecond()));
    out.printf("ratio hilnas / raw             : %10.2f%n", r.pipelineMedian() / r.rawMedian());
    out.printf(
        "(medians; [min..max] over %d repetitions; checkpoint interval %d ms bounds commit latency)%n",
        repeat, checkpointInterval.toMillis());
    for (var f : r.freshness()) {
      out.printf(
          "freshness at %,7.0f records/s offered (%,7.0f sent, %,d records): ack → visible in"
              + " GET /api/v1/targets p50 %,6.0f ms  p99 %,6.0f ms  max %,6.0f ms%n",
          f.offeredPerSecond(), f.sentPerSecond(), f.records(), f.p50Ms(), f.p99Ms(), f.maxMs());
      out.printf(
          "%48s(%d probes)  GET /api/v1/frontiers/… p50 %,6.0f ms  p99 %,6.0f ms  max %,6.0f ms%n",
          "", f.frontier().n(), f.frontier().p50Ms(), f.frontier().p99Ms(), f.frontier().maxMs());
    }
    if (!r.freshness().isEmpty()) {
      out.printf(
          "(output is exactly-once: visible once the checkpoint after it commits, every %d ms;"
              + " goal p99 <= %d ms at 10,000/s)%n",
          checkpointInterval.toMillis(), 2 * checkpointInterval.toMillis());
    }
    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("records", records);
      j.put("targets", targets);
      j.put("evaluations", evaluations);
      j.put("repeat", repeat);
      j.put("rawRecordsPerSecond", r.rawMedian());
      j.put("pipelineRecordsPerSecond", r.pipelineMedian());
      j.put("ratio", r.pipelineMedian() / r.rawMedian());
      j.put("rawRuns", r.rawPerSecond());
      j.put("pipelineRuns", r.pipelinePerSecond());
      j.put("checkpointIntervalMs", checkpointInterval.toMillis());
      j.put("refitIntervalMs", refitInterval.toMillis());
      j.put("frontierIntervalMs", frontierInterval.toMillis());
      List<Map<String, Object>> fresh = new ArrayList<>();
      for (var f : r.freshness()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("offeredRecordsPerSecond", f.offeredPerSecond());
        row.put("sentRecordsPerSecond", f.sentPerSecond());
        row.put("records", f.records());
        row.put("p50Ms", f.p50Ms());
        row.put("p99Ms", f.p99Ms());
        row.put("maxMs", f.maxMs());
        row.put("frontierProbes", f.frontier().n());
        row.put("frontierP50Ms", f.frontier().p50Ms());
        row.put("frontierP99Ms", f.frontier().p99Ms());
        row.put("frontierMaxMs", f.frontier().maxMs());
        fresh.add(row);
      }
      j.put("freshness", fresh);
      out.println(Json.MAPPER.writeValueAsString(j));
    }
    out.flush();
    return 0;
  }
}
