package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.IngestBenchmark;
import dev.hilnas.schemas.json.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
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
      "N synthetic measurements through import → Kafka → Flink (validation + per-target state, exactly-once) until the job's committed output accounts for all of them, next to a raw Kafka produce+consume of the same serialized records on the same embedded broker."
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
      defaultValue = "1s",
      description = "Job commit interval (default: ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(names = "--json", description = "End the output with one JSON object of the figures.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (records < 1 || repeat < 1 || targets < 1) {
      throw new IllegalArgumentException("--records, --targets and --repeat must be >= 1");
    }
    var err = spec.commandLine().getErr();
    err.printf(
        "bench ingest: %,d measurements over %d targets, %d repetitions (+ warm-up)%n",
        records, targets, repeat);
    IngestBenchmark.Result r =
        IngestBenchmark.run(
            records,
            targets,
            repeat,
            checkpointInterval,
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
    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("records", records);
      j.put("targets", targets);
      j.put("repeat", repeat);
      j.put("raw_records_per_s", r.rawMedian());
      j.put("pipeline_records_per_s", r.pipelineMedian());
      j.put("ratio", r.pipelineMedian() / r.rawMedian());
      j.put("raw_runs", r.rawPerSecond());
      j.put("pipeline_runs", r.pipelinePerSecond());
      out.println(Json.MAPPER.writeValueAsString(j));
    }
    out.flush();
    return 0;
  }
}
