package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.FleetBenchmark;
import dev.hilnas.core.Statistics;
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
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = {
      "Simulated devices reporting over HTTP and Kafka, next to a raw producer.",
      "",
      "Simulated devices reporting measurement batches for --duration: over HTTP through the ingest gateway, then as Kafka clients, then a raw Kafka producer baseline, on one embedded broker in the same run: accepted records/s, p50/p99 batch latency, refusals."
    })
final class BenchFleetCommand implements Callable<Integer> {
  @Option(
      names = "--devices",
      defaultValue = "1000",
      description = "Devices (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--targets",
      defaultValue = "20",
      description = "Hardware targets they spread over (default: ${DEFAULT-VALUE}).")
  int targets;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "Per path (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--batch",
      defaultValue = "10",
      description = "Measurements per post (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--concurrency",
      defaultValue = "32",
      description = "Devices sending at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--repeat",
      defaultValue = "1",
      description =
          "Repetitions of the three paths; medians are reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--json", description = "End the output with one JSON object of the figures.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (devices < 1 || targets < 1 || batch < 1 || concurrency < 1 || repeat < 1) {
      throw new IllegalArgumentException(
          "--devices, --targets, --batch, --concurrency and --repeat must be >= 1");
    }
    spec.commandLine()
        .getErr()
        .printf(
            "bench fleet: %,d devices over %d targets, batches of %d, %d at once, %s per path,"
                + " %d repetitions%n",
            devices, targets, batch, concurrency, duration, repeat);
    var runs = FleetBenchmark.run(devices, targets, duration, batch, concurrency, repeat);
    var out = spec.commandLine().getOut();
    int paths = runs.get(0).size();
    List<Double> rawRuns = column(runs, paths - 1, FleetBenchmark.Path::perSecond);
    double raw = Statistics.median(rawRuns);
    double kafkaDevices = Statistics.median(column(runs, 1, FleetBenchmark.Path::perSecond));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int p = 0; p < paths; p++) {
      List<Double> perSecond = column(runs, p, FleetBenchmark.Path::perSecond);
      double median = Statistics.median(perSecond);
      double p50 = Statistics.median(column(runs, p, FleetBenchmark.Path::p50Ms));
      double p99 = Statistics.median(column(runs, p, FleetBenchmark.Path::p99Ms));
      long refused = 0;
      for (List<FleetBenchmark.Path> r : runs) {
        refused += r.get(p).refused();
      }
      String name = runs.get(0).get(p).name();
      out.printf(
          "%-52s: %,9.0f records/s %s (%.3f of raw, %.2f of Kafka devices)  p50 %6.1f ms  p99"
              + " %6.1f ms  refused %d%n",
          name,
          median,
          Spread.perSecond(perSecond),
          median / raw,
          median / kafkaDevices,
          p50,
          p99,
          refused);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("path", name);
      row.put("recordsPerSecond", median);
      row.put("runs", perSecond);
      row.put("ofRaw", median / raw);
      row.put("ofKafkaDevices", median / kafkaDevices);
      row.put("p50Ms", Double.isNaN(p50) ? null : p50);
      row.put("p99Ms", Double.isNaN(p99) ? null : p99);
      row.put("refused", refused);
      rows.add(row);
    }
    out.printf("(medians; [min..max] over %d repetitions)%n", repeat);
    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("devices", devices);
      j.put("targets", targets);
      j.put("batch", batch);
      j.put("concurrency", concurrency);
      j.put("durationSeconds", duration.toMillis() / 1000.0);
      j.put("repeat", repeat);
      j.put("paths", rows);
      out.println(Json.MAPPER.writeValueAsString(j));
    }
    out.flush();
    return 0;
  }

  private static List<Double> column(
      List<List<FleetBenchmark.Path>> runs,
      int path,
      java.util.function.ToDoubleFunction<FleetBenchmark.Path> figure) {
    List<Double> out = new ArrayList<>();
    for (List<FleetBenchmark.Path> r : runs) {
      out.add(figure.applyAsDouble(r.get(path)));
    }
    return out;
  }
}
