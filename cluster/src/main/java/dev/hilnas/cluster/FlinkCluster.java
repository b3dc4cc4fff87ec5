package dev.hilnas.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A standalone Flink session cluster as Flink's own scripts start it: a {@code config.yaml}, the
 * JVM sizes {@code BashJavaUtils} derives from it, {@code StandaloneSessionClusterEntrypoint} and
 * {@code TaskManagerRunner} on a lib/ of Flink's own jars, and {@code CliFrontend} to submit.
 * Nothing of the job is on their classpath: the job jar brings it.
 */
final class FlinkCluster {
  private FlinkCluster() {}

  /** What Flink's scripts open to Flink's reflection on Java 17 (its {@code env.java.opts}). */
  private static final List<String> OPENS =
      Arrays.stream(
              new String[] {
                "java.util",
                "java.lang",
                "java.lang.reflect",
                "java.net",
                "java.io",
                "java.nio",
                "sun.nio.ch",
                "java.util.concurrent",
                "java.time",
                "java.text"
              })
          .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED")
          .toList();

  private static final String RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";

  record Ports(int rpc, int rest) {}

  static Path conf(ClusterSpec spec) {
    return spec.dir().resolve("flink").resolve("conf");
  }

  static String restAddress(Ports ports) {
    return "http://localhost:" + ports.rest();
  }

  /**
   * Sized for a small machine: a 1 GiB JobManager, 1.5 GiB TaskManagers whose memory is mostly heap
   * (the job keeps its state on the heap, so little managed memory), and failures noticed within
   * seconds and retried within 10.
   */
  static void configure(ClusterSpec spec, Ports ports) throws IOException {
    Files.createDirectories(conf(spec));
    String yaml =
        String.join(
            "\n",
            "jobmanager.rpc.address: localhost",
            "jobmanager.rpc.port: " + ports.rpc(),
            "jobmanager.bind-host: localhost",
            "jobmanager.memory.process.size: 1g",
            "taskmanager.bind-host: localhost",
            "taskmanager.host: localhost",
            "taskmanager.numberOfTaskSlots: " + spec.slots(),
            "taskmanager.memory.process.size: 1536m",
            "taskmanager.memory.managed.fraction: 0.1",
            "rest.address: localhost",
            "rest.bind-address: localhost",
            "rest.port: " + ports.rest(),
            "parallelism.default: " + spec.parallelism(),
            "heartbeat.interval: 2 s",
            "heartbeat.timeout: 20 s",
            "restart-strategy.type: exponential-delay",
            "restart-strategy.exponential-delay.max-backoff: 10 s",
            "");
    Files.writeString(conf(spec).resolve("config.yaml"), yaml);
    Files.writeString(conf(spec).resolve("log4j.properties"), Logging.CONSOLE_LOG4J2);
  }

  static List<String> jobManager(ClusterSpec spec, Path logs) throws Exception {
    return process(
        spec,
        resources(spec, "GET_JM_RESOURCE_PARAMS", logs),
        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
        List.of());
  }

  /** {@code taskmanager.resource-id} {@code tm-N}: Flink's REST API names it as we do. */
  static List<String> taskManager(ClusterSpec spec, int id, List<List<String>> resources) {
    return process(
        spec,
        resources,
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        List.of("-D", "taskmanager.resource-id=" + taskManagerId(id)));
  }

  static String taskManagerId(int id) {
    return "tm-" + id;
  }

  /** JVM options and dynamic properties, as {@code BashJavaUtils} prints them on two lines. */
  static List<List<String>> resources(ClusterSpec spec, String what, Path logs) throws Exception {
    List<String> command = new ArrayList<>(java(spec));
    command.addAll(
        List.of(
            "org.apache.flink.runtime.util.bash.BashJavaUtils",
            what,
            "--configDir",
            conf(spec).toString()));
    String output =
        Processes.run(
                command, logs.resolve("flink-" + what.toLowerCase(Locale.ROOT) + ".log"), null)
            .awaitSuccess(Duration.ofMinutes(1));
    List<List<String>> lines =
        output
            .lines()
            .filter(l -> l.startsWith(RESULT))
            .map(l -> List.of(l.substring(RESULT.length()).trim().split("\\s+")))
            .toList();
    if (lines.size() != 2) {
      throw new IllegalStateException("BashJavaUtils " + what + " printed:\n" + output);
    }
    return lines;
  }

  /**
   * {@code flink run -d}: the job jar with hilnas's arguments, checkpoints under {@code DIR/flink},
   * resuming from the newest when there is one.
   */
  static List<String> submit(ClusterSpec spec, Ports ports, String bootstrap) {
    List<String> command = new ArrayList<>(java(spec));
    command.addAll(
        List.of(
            "org.apache.flink.client.cli.CliFrontend",
            "run",
            "-m",
            "localhost:" + ports.rest(),
            "-d",
            "-p",
            String.valueOf(spec.parallelism()),
            spec.jobJar().toAbsolutePath().toString(),
            "--bootstrap",
            bootstrap,
            "--checkpoint-dir",
            checkpoints(spec).toString(),
            "--restore",
            "latest"));
    return command;
  }

  static Map<String, String> submitEnv(ClusterSpec spec) {
    return Map.of("FLINK_CONF_DIR", conf(spec).toString());
  }

  static Path checkpoints(ClusterSpec spec) {
    return spec.dir().resolve("flink").resolve("checkpoints");
  }

  private static List<String> process(
      ClusterSpec spec, List<List<String>> resources, String main, List<String> more) {
    List<String> command = new ArrayList<>();
    command.add(spec.java().toString());
    command.addAll(resources.get(0));
    command.addAll(OPENS);
    command.add("-Dlog4j.configurationFile=" + conf(spec).resolve("log4j.properties").toUri());
    command.addAll(List.of("-cp", spec.flinkLib().toAbsolutePath() + "/*", main));
    command.addAll(List.of("--configDir", conf(spec).toString()));
    command.addAll(resources.get(1));
    command.addAll(more);
    return command;
  }

  private static List<String> java(ClusterSpec spec) {
    List<String> command = new ArrayList<>();
    command.add(spec.java().toString());
    command.addAll(OPENS);
    command.add("-Dlog4j.configurationFile=" + conf(spec).resolve("log4j.properties").toUri());
    command.addAll(List.of("-cp", spec.flinkLib().toAbsolutePath() + "/*"));
    return command;
  }
}
