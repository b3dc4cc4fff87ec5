package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.ScaleBenchmark;
import dev.hilnas.app.cli.ClusterParts;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest throughput with 1 and 2 TaskManagers at parallelism 1 and 2.",
      "",
      "For each layout a fresh cluster of real processes (cluster up: brokers, a JobManager, the"
          + " TaskManagers, the query service) takes the rounds of bench ingest: N measurements"
          + " through Kafka and the job until its committed models count them all, next to a raw"
          + " Kafka produce and consume of the same records on the same cluster. On 2 cores this"
          + " shows the overhead of more processes more than a speed-up."
    })
final class BenchScaleCommand implements Callable<Integer> {

  @Option(
      names = "--layouts",
      split = ",",
      defaultValue = "1x1,1x2,2x1,2x2",
      description =
          "TaskManagers x parallelism, one fresh cluster each (default: ${DEFAULT-VALUE}).")
  List<String> layouts;

  @Option(
      names = "--records",
      defaultValue = "50000",
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
      description = "Repetitions per layout; medians are reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--brokers",
      defaultValue = "1",
      description = "Kafka brokers of each cluster (default: ${DEFAULT-VALUE}).")
  int brokers;

  @Mixin ClusterParts parts;

  @Option(names = "--json", description = "End the output with one JSON object of the figures.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (records < 1 || repeat < 1 || targets < 1 || brokers < 1) {
      throw new IllegalArgumentException(
          "--records, --targets, --repeat and --brokers must be >= 1");
    }
    List<ScaleBenchmark.Layout> parsed =
        layouts.stream().map(ScaleBenchmark.Layout::parse).toList();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    List<ScaleBenchmark.Row> rows =
        ScaleBenchmark.run(
            parsed,
            records,
            targets,
            repeat,
            (layout, dir) ->
                parts.spec(dir, brokers, layout.taskManagers(), 2, layout.parallelism(), 0),
            line -> {
              err.println("bench scale: " + line);
              err.flush();
            });
    out.printf(
        "%-8s %22s %30s %30s %6s%n",
        "layout", "", "raw Kafka records/s", "pipeline records/s", "ratio");
    for (ScaleBenchmark.Row r : rows) {
      out.printf(
          "%-8s %22s %,12.0f %-17s %,12.0f %-17s %6.2f%n",
          r.layout(),
          r.layout().taskManagers() + " TM, parallelism " + r.layout().parallelism(),
          r.rawMedian(),
          Spread.perSecond(r.rawPerSecond()),
          r.pipelineMedian(),
          Spread.perSecond(r.pipelinePerSecond()),
          r.pipelineMedian() / r.rawMedian());
    }
    out.printf("(medians and [min..max] over %d repetitions of %,d records)%n", repeat, records);
    if (json) {
      List<Map<String, Object>> figures = new ArrayList<>();
      for (ScaleBenchmark.Row r : rows) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("taskManagers", r.layout().taskManagers());
        row.put("parallelism", r.layout().parallelism());
        row.put("rawRecordsPerSecond", r.rawMedian());
        row.put("pipelineRecordsPerSecond", r.pipelineMedian());
        row.put("ratio", r.pipelineMedian() / r.rawMedian());
        row.put("rawRuns", r.rawPerSecond());
        row.put("pipelineRuns", r.pipelinePerSecond());
        figures.add(row);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("records", records);
      result.put("repeat", repeat);
      result.put("brokers", brokers);
      result.put("layouts", figures);
      out.println(Json.MAPPER.writeValueAsString(result));
    }
    out.flush();
    return 0;
  }
}
