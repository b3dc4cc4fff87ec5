package dev.hilnas.app.cli;

import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.FrontierAssembly;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.schemas.json.QualityJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "frontier",
    mixinStandardHelpOptions = true,
    description = {
      "The latency × quality Pareto frontier from files (offline).",
      "",
      "The offline latency × quality Pareto frontier of one target and objective: quality from the quality files, latency measured where the measurement files have the candidate at the objective's phase and context (median of repeats), else predicted by a latency model fitted on the measurement files. On a target whose precision names a weight width (fp32, q4_0, ...), candidates of other widths are left out. Prints the frontier and its hypervolume."
    })
final class FrontierCommand implements Callable<Integer> {

  @Option(
      names = "--measurements",
      required = true,
      arity = "1..*",
      paramLabel = "M.jsonl",
      description = "Measurement files (JSONL or CSV).")
  List<Path> measurementFiles;

  @Option(
      names = "--quality",
      required = true,
      arity = "1..*",
      paramLabel = "Q.jsonl",
      description = "Quality JSONL files (metric perplexity).")
  List<Path> qualityFiles;

  @Option(
      names = "--objective",
      required = true,
      paramLabel = "PHASE@TOKENS",
      description = "The frontier's phase and context length, e.g. PREFILL@2048 or DECODE@512.")
  String objective;

  @Option(
      names = "--target",
      paramLabel = "HARDWARE/RUNTIME",
      description = "Which target, when the measurements hold several.")
  HardwareTarget target;

  @Option(
      names = "--reference",
      paramLabel = "LATENCY_MS,QUALITY",
      description = "Hypervolume reference point (default: 10%% beyond the worst point).")
  String reference;

  @Option(
      names = "--json",
      description = "End the output with one JSON object: target, objective, hypervolume, points.")
  boolean json;

  @Option(
      names = "--csv",
      paramLabel = "OUT.csv",
      description = "Write every point, with onFrontier, as CSV.")
  Path csv;

  @Option(
      names = "--png",
      paramLabel = "OUT.png",
      description = "Write a plot of the points and the frontier.")
  Path png;

  @CommandLine.Mixin LimitsOptions limits;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    Limits accepted = limits.limits();
    Objective goal = accepted.check(Objective.parse(objective));
    List<Measurement> measurements = new ArrayList<>();
    for (Path file : measurementFiles) {
      measurements.addAll(MeasurementFiles.read(file, err, accepted));
    }
    HardwareTarget chosen = chooseTarget(measurements);
    List<Measurement> ofTarget =
        measurements.stream().filter(m -> m.target().equals(chosen)).toList();
    List<Quality> qualities = new ArrayList<>();
    for (Path file : qualityFiles) {
      qualities.addAll(readQuality(file, err, accepted));
    }
    FrontierAssembly assembly =
        FrontierAssembly.of(
            ofTarget,
            qualities,
            goal,
            LatencyModelTrainer.fit(ofTarget).orElse(null),
            chosen.weightBits());
    if (assembly.otherWidth() > 0) {
      err.printf(
          "%d evaluated candidates are not %d-bit, the width %s runs every candidate at; left"
              + " out%n",
          assembly.otherWidth(), chosen.weightBits().getAsInt(), chosen.id());
    }
    if (assembly.withoutLatency() > 0) {
      err.println(
          assembly.withoutLatency()
              + " evaluated candidates have no latency for "
              + goal
              + " and no model to predict it; left out");
    }
    List<FrontierPoint> all = assembly.frontier().all();
    if (all.isEmpty()) {
      err.println(
          "error: no candidate has both quality and latency for " + chosen.id() + " " + goal);
      err.flush();
      return 1;
    }
    List<FrontierPoint> front = assembly.frontier().points();
    ReferencePoint ref = reference == null ? ReferencePoint.beyond(all) : parseReference(reference);
    double hypervolume = assembly.frontier().hypervolume(ref);
    if (hypervolume == 0) { // every point as slow or worse than the reference: nothing to measure
      err.printf(
          "warning: no frontier point is both faster than %.4g ms and better than %.4g: the"
              + " hypervolume is 0 (--reference lies beyond the worst point by default)%n",
          ref.latencyMs(), ref.quality());
      err.flush();
    }

    out.printf(
        "%s %s: %d of %d evaluated candidates on the frontier, hypervolume %.6g (reference %.4g ms, %.4g)%n",
        chosen.id(), goal, front.size(), all.size(), hypervolume, ref.latencyMs(), ref.quality());
    out.printf(
        "%-12s %-18s %12s %-10s %10s%n", "candidateId", "archId", "latencyMs", "source", "quality");
    for (FrontierPoint p : front) {
      out.printf(
          "%-12s %-18s %12.4f %-10s %10.4f%n",
          p.candidateId(), p.archId(), p.latencyMs(), source(p), p.quality());
    }
    if (csv != null) {
      writeCsv(csv, all, front);
      err.println("wrote " + csv);
    }
    if (png != null) {
      FrontierPlot.write(png, "Pareto frontier: " + chosen.id() + " " + goal, all, front);
      err.println("wrote " + png);
    }
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("target", chosen.id());
      result.put("hardware", chosen.hardware());
      result.put("runtime", chosen.runtime());
      result.put("objective", goal.toString());
      result.put("hypervolume", hypervolume);
      result.put("reference", Map.of("latencyMs", ref.latencyMs(), "quality", ref.quality()));
      result.put("evaluated", all.size());
      result.put("points", front.stream().map(FrontierCommand::point).toList());
      out.println(Json.MAPPER.writeValueAsString(result));
    }
    out.flush();
    err.flush();
    return 0;
  }

  private HardwareTarget chooseTarget(List<Measurement> measurements) {
    Set<HardwareTarget> targets =
        measurements.stream()
            .map(Measurement::target)
            .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    if (target != null) {
      return targets.stream()
          .filter(this::named)
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "--target "
                          + target.id()
                          + " is not in the measurements; they hold "
                          + ids(targets)));
    }
    if (targets.size() != 1) {
      throw new IllegalArgumentException(
          targets.isEmpty()
              ? "the measurement files hold no valid measurement"
              : "the measurements hold "
                  + targets.size()
                  + " targets ("
                  + ids(targets)
                  + "); pick one with --target");
    }
    return targets.iterator().next();
  }

  /** Whether --target names {@code t}; named without a precision, it names every precision. */
  private boolean named(HardwareTarget t) {
    return t.hardware().equals(target.hardware())
        && t.runtime().equals(target.runtime())
        && (target.precision() == null || target.precision().equals(t.precision()));
  }

  private static String ids(Set<HardwareTarget> targets) {
    return targets.stream().map(HardwareTarget::id).collect(Collectors.joining(", "));
  }

  private static List<Quality> readQuality(Path file, PrintWriter err, Limits limits)
      throws IOException {
    List<Quality> out = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(QualityJson.parse(line, limits));
        } catch (IllegalArgumentException e) {
          err.println(file + ":" + number + ": skipped: " + e.getMessage());
        }
      }
    }
    return out;
  }

  private static ReferencePoint parseReference(String text) {
    String[] parts = text.split(",");
    try {
      if (parts.length == 2) {
        return new ReferencePoint(
            Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException(
        "--reference must be LATENCY_MS,QUALITY, e.g. 120,30; got '" + text + "'");
  }

  private static String source(FrontierPoint p) {
    return p.source().name().toLowerCase();
  }

  private static Map<String, Object> point(FrontierPoint p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("candidateId", p.candidateId());
    m.put("archId", p.archId());
    m.put("latencyMs", p.latencyMs());
    m.put("latencySource", source(p));
    m.put("quality", p.quality());
    return m;
  }

  /** RFC 4180: a label with a comma, quote or line break is quoted, quotes doubled. */
  private static String csvField(String text) {
    if (text == null) {
      return "";
    }
    return text.matches("[^,\"\r\n]*") ? text : '"' + text.replace("\"", "\"\"") + '"';
  }

  private static void writeCsv(Path file, List<FrontierPoint> all, List<FrontierPoint> front)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("candidateId,archId,latencyMs,latencySource,quality,onFrontier");
    for (FrontierPoint p : all) {
      lines.add(
          String.join(
              ",",
              csvField(p.candidateId()),
              p.archId(),
              Double.toString(p.latencyMs()),
              source(p),
              Double.toString(p.quality()),
              Boolean.toString(front.contains(p))));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
