package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.FleetBenchmark;
import java.time.Duration;
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

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (devices < 1 || targets < 1 || batch < 1 || concurrency < 1) {
      throw new IllegalArgumentException(
          "--devices, --targets, --batch and --concurrency must be >= 1");
    }
    spec.commandLine()
        .getErr()
        .printf(
            "bench fleet: %,d devices over %d targets, batches of %d, %d at once, %s per path%n",
            devices, targets, batch, concurrency, duration);
    var paths = FleetBenchmark.run(devices, targets, duration, batch, concurrency);
    var out = spec.commandLine().getOut();
    double raw = paths.get(paths.size() - 1).perSecond();
    for (var p : paths) {
      out.printf(
          "%-52s: %,9.0f records/s (%.3f of raw)  p50 %6.1f ms  p99 %6.1f ms  refused %d%n",
          p.name(), p.perSecond(), p.perSecond() / raw, p.p50Ms(), p.p99Ms(), p.refused());
    }
    return 0;
  }
}
