package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.fuzz.FuzzBenchmark;
import dev.hilnas.app.bench.fuzz.PathReport;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "fuzz",
    mixinStandardHelpOptions = true,
    description = {
      "Hostile input on every path into a running stack, and what it made of it.",
      "",
      "Hostile input on every path into a running stack (hilnas serve), valid records among it: per path, what it accepted, what it refused and why, 5xx, job restarts and Streams errors, and whether the valid records were counted exactly once. It writes to targets named fuzz-<run>/..., but quality evaluations belong to every target: use a stack whose data can be thrown away. Exit code 4 when it found a problem."
    })
final class BenchFuzzCommand implements Callable<Integer> {
  /** The exit code when the fuzz found something: a 5xx, a restart, a lost or doubled record. */
  static final int FOUND_PROBLEMS = 4;

  /** Reasons printed per path; {@code --json} has more. */
  private static final int REASONS_PRINTED = 5;

  @Option(
      names = "--cases",
      defaultValue = "10000",
      description = "Cases per path (default: ${DEFAULT-VALUE}).")
  int cases;

  @Option(
      names = "--url",
      defaultValue = "http://localhost:8080",
      description = "The stack's HTTP server (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(
      names = "--bootstrap",
      defaultValue = "localhost:9092",
      description = "The stack's Kafka (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--token",
      description = {
        "A device's token, for POST /api/v1/measurements (hilnas device add, then restart serve); the fuzz posts for the device's target. Without it that path is skipped."
      })
  String token;

  @Option(
      names = "--devices",
      defaultValue = "${env:HILNAS_DEVICES:-${sys:user.home}/.hilnas/devices.json}",
      description =
          "The devices file serve reads, where the token's device is (default: ${DEFAULT-VALUE}).")
  Path devices;

  @Option(
      names = "--seed",
      description =
          "Of the cases: the same seed sends the same fuzz (default: a new one each run).")
  Long seed;

  @Option(names = "--json", description = "End the output with one JSON object of the figures.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (cases < 10) {
      throw new IllegalArgumentException("--cases must be >= 10, got " + cases);
    }
    var err = spec.commandLine().getErr();
    FuzzBenchmark.Report report =
        FuzzBenchmark.run(
            new FuzzBenchmark.Settings(
                cases,
                url,
                bootstrap,
                token,
                token == null ? null : ingestTarget(),
                seed != null ? seed : new SecureRandom().nextLong()),
            line -> {
              err.println(line);
              err.flush();
            });
    PrintWriter out = spec.commandLine().getOut();
    print(report, out);
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(json(report)));
    }
    out.flush();
    return report.clean() ? 0 : FOUND_PROBLEMS;
  }

  /** The first (by name) of the targets the token's device may report for. */
  private HardwareTarget ingestTarget() throws Exception {
    Devices.Device device =
        Devices.read(devices)
            .authenticate(token)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--token is no device's token in "
                            + devices
                            + "; add one with `hilnas device add` and restart serve"));
    return HardwareTarget.parse(device.targets().stream().sorted().findFirst().orElseThrow());
  }

  static void print(FuzzBenchmark.Report report, PrintWriter out) {
    out.printf(
        "%-18s %7s %9s %9s %5s %8s %8s  %s%n",
        "path",
        "cases",
        "accepted",
        "rejected",
        "5xx",
        "restarts",
        "streams",
        "valid: sent, accepted, counted of expected");
    for (PathReport p : report.paths()) {
      if (p.skipped() != null) {
        out.printf("%-18s skipped: %s%n", p.path(), p.skipped());
        continue;
      }
      PathReport.Valid v = p.valid();
      out.printf(
          "%-18s %,7d %,9d %,9d %,5d %8s %8s  %,d, %,d%s%s%n",
          p.path(),
          p.cases(),
          p.accepted(),
          p.rejected(),
          p.serverErrors(),
          orNa(p.jobRestarts()),
          orNa(p.streamsErrors()),
          v.sent(),
          v.accepted(),
          v.expected() == null ? "" : String.format(", %,d of %,d", v.counted(), v.expected()),
          p.clean() ? "" : "  <- PROBLEM");
      p.reasons().entrySet().stream()
          .limit(REASONS_PRINTED)
          .forEach(e -> out.printf("    %,9d  %s%n", e.getValue(), e.getKey()));
    }
    out.printf(
        "run %s: %d server errors, %s job restarts, %s Streams errors, valid records %s; stack %s%n",
        report.run(),
        report.serverErrors(),
        orNa(report.jobRestarts()),
        orNa(report.streamsErrors()),
        report.validCountedOnce() ? "counted exactly once" : "NOT counted exactly once",
        report.healthy() ? "UP" : "DOWN");
  }

  private static String orNa(Long n) {
    return n == null ? "n/a" : String.format("%,d", n);
  }

  /** {@code {"run", "seed", "cases", "paths": {name: {...}}, totals}}. */
  static Map<String, Object> json(FuzzBenchmark.Report report) {
    Map<String, Object> paths = new LinkedHashMap<>();
    for (PathReport p : report.paths()) {
      Map<String, Object> path = new LinkedHashMap<>();
      if (p.skipped() != null) {
        path.put("skipped", p.skipped());
      } else {
        path.put("cases", p.cases());
        path.put("accepted", p.accepted());
        path.put("rejected", p.rejected());
        path.put("reasons", p.reasons());
        path.put("serverErrors", p.serverErrors());
        path.put("jobRestarts", p.jobRestarts());
        path.put("streamsErrors", p.streamsErrors());
        Map<String, Object> valid = new LinkedHashMap<>();
        valid.put("sent", p.valid().sent());
        valid.put("accepted", p.valid().accepted());
        valid.put("expected", p.valid().expected());
        valid.put("counted", p.valid().counted());
        valid.put("countedOnce", p.valid().countedOnce());
        path.put("valid", valid);
      }
      paths.put(p.path(), path);
    }
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("run", report.run());
    j.put("seed", report.seed());
    j.put("cases", report.cases());
    j.put("paths", paths);
    j.put("serverErrors", report.serverErrors());
    j.put("jobRestarts", report.jobRestarts());
    j.put("streamsErrors", report.streamsErrors());
    j.put("validCountedOnce", report.validCountedOnce());
    j.put("healthy", report.healthy());
    return j;
  }
}
