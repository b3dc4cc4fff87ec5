package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.MemoryBenchmark;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
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
    name = "memory",
    mixinStandardHelpOptions = true,
    description = {
      "State and heap the pipeline holds per target and per measurement.",
      "",
      "For each target count a"
          + " fresh embedded stack takes that many targets' measurements, then the newest"
          + " checkpoint's bytes and the heap's growth are divided by targets and measurements,"
          + " next to the measurements' own bytes on the wire."
    })
final class BenchMemoryCommand implements Callable<Integer> {
  @Option(
      names = "--targets",
      split = ",",
      defaultValue = "10,10000",
      description = "Target counts, one fresh stack each (default: ${DEFAULT-VALUE}).")
  List<Integer> targets;

  @Option(
      names = "--per-target",
      defaultValue = "20",
      description = "Measurements per target (default: ${DEFAULT-VALUE}).")
  int perTarget;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "1s",
      description = "Job checkpoint interval (default: ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(names = "--json", description = "End the output with one JSON object of the figures.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (perTarget < 1 || targets.stream().anyMatch(t -> t < 1)) {
      throw new IllegalArgumentException("--targets and --per-target must be >= 1");
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    err.printf(
        "bench memory: %s targets, %d measurements each, a fresh stack per count%n",
        targets, perTarget);
    err.flush();
    out.printf(
        "%8s %12s %14s %14s %14s %14s %12s%n",
        "targets",
        "measurements",
        "state B/target",
        "state B/meas.",
        "heap B/target",
        "heap B/meas.",
        "wire B/meas.");
    List<MemoryBenchmark.Size> sizes =
        MemoryBenchmark.run(
            targets,
            perTarget,
            checkpointInterval,
            s -> {
              out.printf(
                  "%,8d %,12d %,14.0f %,14.0f %,14.0f %,14.0f %,12.0f%n",
                  s.targets(),
                  s.measurements(),
                  s.checkpointBytesPerTarget(),
                  s.checkpointBytesPerMeasurement(),
                  s.heapBytesPerTarget(),
                  s.heapBytesPerMeasurement(),
                  s.wireBytesPerMeasurement());
              out.flush();
            });
    out.println(
        "(state: the newest completed checkpoint's bytes; heap: growth over the idle stack after"
            + " GC, broker and query service included; wire: Avro values on hil.measurements)");
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (MemoryBenchmark.Size s : sizes) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("targets", s.targets());
        row.put("measurements", s.measurements());
        row.put("checkpointBytes", s.checkpointBytes());
        row.put("heapBytes", s.heapBytes());
        row.put("wireBytes", s.wireBytes());
        row.put("stateBytesPerTarget", s.checkpointBytesPerTarget());
        row.put("stateBytesPerMeasurement", s.checkpointBytesPerMeasurement());
        row.put("heapBytesPerTarget", s.heapBytesPerTarget());
        row.put("heapBytesPerMeasurement", s.heapBytesPerMeasurement());
        row.put("wireBytesPerMeasurement", s.wireBytesPerMeasurement());
        rows.add(row);
      }
      out.println(Json.MAPPER.writeValueAsString(Map.of("sizes", rows)));
    }
    out.flush();
    return 0;
  }
}
