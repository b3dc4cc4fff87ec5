package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.chaos.ChaosBenchmark;
import dev.hilnas.app.cli.ClusterCommand;
import dev.hilnas.app.cli.ClusterParts;
import dev.hilnas.cluster.ClusterSpec;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
      "Kills each part of a local cluster in turn under load; counts what was lost.",
      "",
      "Starts a local cluster (cluster up: 3 brokers, a JobManager, 2 TaskManagers, the query service) and streams measurements into it — over Kafka, over HTTP ingest, from agents measuring for real, a share of them bad — while it SIGKILLs and restarts in turn the leader broker of a hil.measurements partition, a TaskManager, the JobManager (then resubmits the job from its newest checkpoint), the query service and an agent. When the stream has drained: per fault, the seconds until fresh results flowed again and what was lost or doubled; whether the DLQ holds exactly the bad records and every frontier equals a batch recomputation. Exit code 4 when anything was lost or doubled, or a check failed."
    })
final class BenchChaosCommand implements Callable<Integer> {

  @Option(
      names = "--duration",
      defaultValue = "3m",
      description =
          "The stream, split evenly among a fault-free baseline and the five faults (default:"
              + " ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "2000",
      description = "Measurements a second, Kafka and HTTP together (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--http-share",
      defaultValue = "0.15",
      description = "Of them posted over HTTP (default: ${DEFAULT-VALUE}).")
  double httpShare;

  @Option(
      names = "--bad-share",
      defaultValue = "0.01",
      description = "Of the Kafka records, bad ones (default: ${DEFAULT-VALUE}).")
  double badShare;

  @Option(
      names = "--agents",
      defaultValue = "2",
      description = "Agents measuring for real (default: ${DEFAULT-VALUE}).")
  int agents;

  @Option(
      names = "--down",
      defaultValue = "5s",
      description = "How long a killed process stays down (default: ${DEFAULT-VALUE}).")
  Duration down;

  @Option(
      names = "--dir",
      description = "The cluster's directory (default: a new one under the temporary directory).")
  Path dir;

  @Mixin ClusterParts parts;

  @Option(names = "--json", description = "End the output with one JSON object of the figures.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (rate < 100
        || agents < 1
        || httpShare < 0
        || httpShare > 1
        || badShare < 0
        || badShare > 0.5) {
      throw new IllegalArgumentException(
          "--rate must be >= 100, --agents >= 1, --http-share in [0,1], --bad-share in [0,0.5]");
    }
    Path where =
        (dir != null ? dir : Files.createTempDirectory("hilnas-chaos"))
            .toAbsolutePath()
            .normalize();
    ClusterSpec cluster =
        parts.spec(
            where,
            ClusterSpec.DEFAULT_BROKERS,
            ClusterSpec.DEFAULT_TASK_MANAGERS,
            ClusterSpec.DEFAULT_SLOTS,
            ClusterSpec.DEFAULT_PARALLELISM,
            0);
    var err = spec.commandLine().getErr();
    ChaosBenchmark.Result r =
        ChaosBenchmark.run(
            new ChaosBenchmark.Settings(
                cluster,
                ClusterCommand.Up.hilnas(),
                duration,
                rate,
                httpShare,
                badShare,
                agents,
                down),
            line -> {
              err.println(line);
              err.flush();
            });
    PrintWriter out = spec.commandLine().getOut();
    print(r, out);
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(r));
    }
    out.flush();
    boolean clean = r.lost() == 0 && r.duplicated() == 0 && r.frontiersEqual() && r.dlqExact();
    return clean ? 0 : BenchFuzzCommand.FOUND_PROBLEMS;
  }

  static void print(ChaosBenchmark.Result r, PrintWriter out) {
    out.printf(
        "%-17s %-14s %10s %9s %6s %10s%n",
        "fault", "killed", "recovery s", "accepted", "lost", "duplicated");
    for (ChaosBenchmark.FaultResult f : r.faults()) {
      out.printf(
          "%-17s %-14s %10s %9d %6d %10d%n",
          f.fault(),
          f.process().isEmpty() ? "-" : f.process(),
          f.recoverySeconds() == null ? "none" : String.format("%.1f", f.recoverySeconds()),
          f.accepted(),
          f.lost(),
          f.duplicated());
    }
    out.printf(
        "%d accepted over %.0f s (%.0f/s sent), %d lost, %d duplicated; %d written without an"
            + " answer (counted once), %d repeats on the input (dropped); drained %s%n",
        r.accepted(),
        r.durationSeconds(),
        r.ratePerSecond(),
        r.lost(),
        r.duplicated(),
        r.writtenWithoutAnswer(),
        r.repeatedRecords(),
        r.drainSeconds() == null
            ? "not within 3 min"
            : String.format("%.1f s after", r.drainSeconds()));
    out.printf(
        "DLQ: %d dead letters for %d bad records acknowledged: %s%n",
        r.deadLetters(), r.badAcknowledged(), r.dlqExact() ? "exactly them" : "NOT exactly them");
    out.printf(
        "frontiers of %d targets: %s%s%n",
        r.targets(),
        r.frontiersEqual()
            ? "all equal to their batch recomputation"
            : r.frontierDifferences() + " differ, e.g. " + r.frontierDifferenceSamples(),
        r.cellsBeyondKeptRepeats() > 0
            ? " ("
                + r.cellsBeyondKeptRepeats()
                + " cells with more repeats than kept: order-dependent)"
            : "");
  }
}
