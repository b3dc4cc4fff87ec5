package dev.hilnas.app.cli;

import dev.hilnas.cluster.ClusterProcess;
import dev.hilnas.cluster.ClusterSpec;
import dev.hilnas.cluster.ClusterState;
import dev.hilnas.cluster.LocalCluster;
import dev.hilnas.schemas.json.Json;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.Down.class},
    description = {
      "Kafka, Flink and the query service as separate processes on this machine.",
      "",
      "A cluster of real processes on this machine: Kafka brokers, a Flink JobManager and TaskManagers running the job jar, and the query service, each logging to a file in --dir."
    })
public final class ClusterCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Dir {
    @Option(
        names = "--dir",
        defaultValue = "${sys:user.home}/.hilnas/cluster",
        description = "Configs, data, checkpoints, logs and pids (default: ${DEFAULT-VALUE}).")
    Path dir;

    Path absolute() {
      return dir.toAbsolutePath().normalize();
    }
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = {
        "Start the cluster and submit the job; returns once it runs.",
        "",
        "Starts the brokers (KRaft), the JobManager and TaskManagers, the query service, and submits the job jar; returns when the job is RUNNING and the query service answers. A directory whose cluster was stopped starts again as it was, the job resuming from its newest checkpoint."
      })
  public static final class Up implements Callable<Integer> {
    @Option(
        names = "--brokers",
        defaultValue = "" + ClusterSpec.DEFAULT_BROKERS,
        description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(
        names = "--taskmanagers",
        defaultValue = "" + ClusterSpec.DEFAULT_TASK_MANAGERS,
        description = "Flink TaskManagers (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(
        names = "--slots",
        defaultValue = "" + ClusterSpec.DEFAULT_SLOTS,
        description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(
        names = "--parallelism",
        defaultValue = "" + ClusterSpec.DEFAULT_PARALLELISM,
        description = "The job's parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
        names = "--http-port",
        defaultValue = "0",
        description = "The query service's port (default: any free one).")
    int httpPort;

    @Option(names = "--json", description = "End with one JSON object with the addresses.")
    boolean json;

    @CommandLine.Mixin Dir dir;
    @CommandLine.Mixin ClusterParts parts;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      FreePorts.inRange("--http-port", httpPort); // in use or not: a running cluster holds it
      ClusterSpec cluster =
          parts.spec(dir.absolute(), brokers, taskManagers, slots, parallelism, httpPort);
      ClusterState state = LocalCluster.up(cluster, System.err::println);
      PrintWriter out = spec.commandLine().getOut();
      Map<String, String> addresses = new LinkedHashMap<>();
      addresses.put("bootstrap", state.bootstrap());
      addresses.put("jobmanager", state.jobManager());
      addresses.put("query", state.query());
      addresses.put("dir", state.dir().toString());
      if (json) {
        out.println(Json.MAPPER.writeValueAsString(addresses));
      } else {
        addresses.forEach((k, v) -> out.printf("%-10s %s%n", k, v));
      }
      out.flush();
      return 0;
    }

    /** This JVM's java and classpath running hilnas: the query service is one more of it. */
    public static List<String> hilnas() {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx512m");
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
        command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
      }
      String classpath =
          Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
              .map(p -> Path.of(p).toAbsolutePath().normalize().toString())
              .collect(Collectors.joining(File.pathSeparator));
      command.addAll(List.of("-cp", classpath, "dev.hilnas.app.Main"));
      return command;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Every process of the cluster, with its pid and whether it is alive.")
  static final class Status implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON object.")
    boolean json;

    @CommandLine.Mixin Dir dir;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ClusterState state =
          LocalCluster.read(dir.absolute())
              .orElseThrow(() -> new IllegalArgumentException("no cluster in " + dir.absolute()));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("bootstrap", state.bootstrap());
        status.put("jobmanager", state.jobManager());
        status.put("query", state.query());
        status.put("dir", state.dir().toString());
        status.put(
            "processes",
            state.processes().stream()
                .map(
                    p -> {
                      Map<String, Object> process = new LinkedHashMap<>();
                      process.put("role", p.role().label());
                      process.put("id", p.id());
                      process.put("pid", p.pid());
                      process.put("alive", p.alive());
                      return process;
                    })
                .toList());
        out.println(Json.MAPPER.writeValueAsString(status));
      } else {
        for (ClusterProcess p : state.processes()) {
          out.printf(
              "%-11s %d  pid %-7d %-5s  %s%n",
              p.role().label(), p.id(), p.pid(), p.alive() ? "alive" : "dead", p.log());
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description = {
        "Stop every process of the cluster; data and checkpoints stay.",
        "",
        "Stops every process of the cluster (SIGTERM, then SIGKILL after --grace). Data and checkpoints stay in --dir for the next `cluster up`."
      })
  static final class Down implements Callable<Integer> {
    @Option(
        names = "--grace",
        defaultValue = "30s",
        description = "How long each process may take to stop (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @CommandLine.Mixin Dir dir;

    @Override
    public Integer call() throws Exception {
      LocalCluster.down(dir.absolute(), grace, System.err::println);
      return 0;
    }
  }
}
