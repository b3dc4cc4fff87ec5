package dev.hilnas.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A cluster of real processes on this machine: Kafka brokers, a Flink JobManager and TaskManagers
 * running the job jar, and the query service. Each process runs on its own, logging to a file under
 * the cluster's directory, where {@code cluster.json} keeps their pids, so that another invocation
 * can report on them, stop them or restart one. Nothing here knows hilnas's code: it starts
 * processes and asks Kafka and Flink when they are ready.
 */
public final class LocalCluster {
  private LocalCluster() {}

  static final String STATE_FILE = "cluster.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

  /** How long each stage may take to come up on a busy 2-core machine. */
  private static final Duration STARTUP = Duration.ofMinutes(3);

  /**
   * Starts the cluster and returns when the job is RUNNING and the query service answers. A
   * directory whose cluster was stopped is started again as it was — same ports, data and
   * checkpoints, the job resuming from its newest checkpoint.
   *
   * @param console one line per process started
   * @throws IllegalStateException when a process of the cluster in {@code dir} is still alive, or a
   *     process does not come up (it names the log to read); what did start is stopped again
   */
  public static ClusterState up(ClusterSpec spec, Consumer<String> console) throws Exception {
    Optional<ClusterState> before = read(spec.dir());
    if (before.isPresent()) {
      List<String> alive =
          before.get().processes().stream()
              .filter(ClusterProcess::alive)
              .map(ClusterProcess::name)
              .toList();
      if (!alive.isEmpty()) {
        throw new IllegalStateException(
            "the cluster in "
                + spec.dir()
                + " is running ("
                + String.join(", ", alive)
                + "); stop it first: hilnas cluster down --dir "
                + spec.dir());
      }
      // a resumed cluster keeps the size it was planned with: say so rather than start another
      console.accept(
          "resuming the cluster in "
              + spec.dir()
              + " as it was first planned (its size and ports; the size options do not apply)");
    }
    Path logs = logs(spec.dir());
    Files.createDirectories(logs);
    Plan plan = before.isPresent() ? replan(before.get()) : plan(spec, logs);
    // every process is recorded from the start, so that a failed start can be stopped and retried
    List<ClusterProcess> recorded = new ArrayList<>();
    for (Planned p : plan.processes()) {
      recorded.add(new ClusterProcess(p.role(), p.id(), 0, 0, p.command(), p.log()));
    }
    try {
      for (Role role : Role.values()) {
        for (int i = 0; i < recorded.size(); i++) {
          ClusterProcess p = recorded.get(i);
          if (p.role() == role) {
            Process process = Processes.start(p.command(), p.log(), null);
            recorded.set(i, ClusterProcess.of(role, p.id(), process, p.command(), p.log()));
            console.accept(
                String.format(
                    "%-11s %d  pid %-7d log %s", role.label(), p.id(), process.pid(), p.log()));
          }
        }
        write(
            new ClusterState(
                plan.bootstrap(), plan.jobManager(), plan.query(), spec.dir(), recorded));
        awaitReady(role, plan, started(recorded));
      }
      submit(spec, plan, logs, recorded);
      return read(spec.dir()).orElseThrow();
    } catch (Exception e) {
      stop(started(recorded), Duration.ofSeconds(10), line -> {});
      throw e;
    }
  }

  private static List<ClusterProcess> started(List<ClusterProcess> recorded) {
    return recorded.stream().filter(p -> p.pid() > 0).toList();
  }

  /** The cluster recorded in {@code dir}, if one was started there. */
  public static Optional<ClusterState> read(Path dir) throws IOException {
    Path file = dir.resolve(STATE_FILE);
    return Files.exists(file)
        ? Optional.of(JSON.readValue(file.toFile(), ClusterState.class))
        : Optional.empty();
  }

  /**
   * Stops every process of the cluster in {@code dir}: the query service, the JobManager (the job
   * is suspended, its checkpoints kept), the TaskManagers, then the brokers — each sent SIGTERM,
   * and SIGKILL when it has not ended within {@code grace}. Data and checkpoints stay for the next
   * {@code up}.
   *
   * @return the processes that were still running
   */
  public static List<ClusterProcess> down(Path dir, Duration grace, Consumer<String> console)
      throws IOException {
    ClusterState state =
        read(dir).orElseThrow(() -> new IllegalArgumentException("no cluster in " + dir));
    List<ClusterProcess> running = new ArrayList<>();
    for (Role role : List.of(Role.QUERY, Role.JOBMANAGER, Role.TASKMANAGER, Role.BROKER)) {
      List<ClusterProcess> group =
          state.processes(role).stream().filter(ClusterProcess::alive).toList();
      running.addAll(group);
      stop(group, grace, console);
    }
    if (running.isEmpty()) {
      console.accept("the cluster in " + dir + " was not running: nothing to stop");
    }
    return running;
  }

  /**
   * Starts a stopped or killed process of the cluster in {@code dir} again, as it was first
   * started.
   */
  public static ClusterProcess restart(Path dir, Role role, int id) throws IOException {
    ClusterState state =
        read(dir).orElseThrow(() -> new IllegalArgumentException("no cluster in " + dir));
    ClusterProcess old =
        state
            .process(role, id)
            .orElseThrow(() -> new IllegalArgumentException("no " + role.label() + " " + id));
    if (old.alive()) {
      throw new IllegalStateException(old.name() + " is running (pid " + old.pid() + ")");
    }
    Process process = Processes.start(old.command(), old.log(), null);
    ClusterProcess restarted = ClusterProcess.of(role, id, process, old.command(), old.log());
    write(state.with(restarted));
    return restarted;
  }

  private record Planned(Role role, int id, List<String> command, Path log) {}

  private record Plan(
      String bootstrap,
      String jobManager,
      String query,
      FlinkCluster.Ports flink,
      List<Planned> processes) {}

  /** A new cluster: ports, configs and formatted storage. */
  private static Plan plan(ClusterSpec spec, Path logs) throws Exception {
    List<KafkaBrokers.Broker> brokers = KafkaBrokers.layout(spec);
    KafkaBrokers.configure(spec, brokers);
    KafkaBrokers.format(spec, brokers, logs);
    String bootstrap = KafkaBrokers.bootstrap(brokers);
    FlinkCluster.Ports flink = new FlinkCluster.Ports(Ports.free(), Ports.free());
    FlinkCluster.configure(spec, flink);
    int queryPort = spec.queryPort() == 0 ? Ports.free() : spec.queryPort();

    List<Planned> processes = new ArrayList<>();
    for (KafkaBrokers.Broker b : brokers) {
      processes.add(
          new Planned(
              Role.BROKER, b.id(), KafkaBrokers.command(spec, b), log(logs, "broker", b.id())));
    }
    processes.add(
        new Planned(
            Role.JOBMANAGER, 1, FlinkCluster.jobManager(spec, logs), log(logs, "jobmanager", 1)));
    List<List<String>> tmResources = FlinkCluster.resources(spec, "GET_TM_RESOURCE_PARAMS", logs);
    for (int id = 1; id <= spec.taskManagers(); id++) {
      processes.add(
          new Planned(
              Role.TASKMANAGER,
              id,
              FlinkCluster.taskManager(spec, id, tmResources),
              log(logs, "taskmanager", id)));
    }
    List<String> query = new ArrayList<>(spec.hilnas());
    query.addAll(
        List.of(
            "serve",
            "--no-job",
            "--bootstrap",
            bootstrap,
            "--http-port",
            String.valueOf(queryPort),
            "--data-dir",
            spec.dir().resolve("query").toString()));
    query.addAll(spec.queryOptions());
    processes.add(new Planned(Role.QUERY, 1, query, log(logs, "query", 1)));
    return new Plan(
        bootstrap,
        FlinkCluster.restAddress(flink),
        "http://localhost:" + queryPort + "/",
        flink,
        processes);
  }

  /** A stopped cluster: what it ran, run again. */
  private static Plan replan(ClusterState state) {
    List<Planned> processes =
        state.processes().stream()
            .map(p -> new Planned(p.role(), p.id(), p.command(), p.log()))
            .toList();
    int rest = URI.create(state.jobManager()).getPort();
    return new Plan(
        state.bootstrap(),
        state.jobManager(),
        state.query(),
        new FlinkCluster.Ports(0, rest),
        processes);
  }

  private static Path log(Path logs, String role, int id) {
    return logs.resolve(role + "-" + id + ".log");
  }

  private static Path logs(Path dir) {
    return dir.resolve("logs");
  }

  private static void awaitReady(Role role, Plan plan, List<ClusterProcess> started)
      throws Exception {
    int count = (int) plan.processes().stream().filter(p -> p.role() == role).count();
    switch (role) {
      case BROKER -> awaitBrokers(plan.bootstrap(), count, started);
      case JOBMANAGER -> {} // the TaskManagers register with it: waited for with them
      case TASKMANAGER ->
          await(
              count + " TaskManagers registered at " + plan.jobManager(),
              started,
              () -> get(plan.jobManager() + "/overview").path("taskmanagers").asInt() == count);
      case QUERY ->
          await(
              "the query service at " + plan.query(),
              started,
              () -> status(plan.query() + "healthz") == 200);
    }
  }

  private static void awaitBrokers(String bootstrap, int count, List<ClusterProcess> started)
      throws Exception {
    // listening first: a client meeting closed ports logs a warning for each attempt
    await(
        "Kafka listening at " + bootstrap,
        started,
        () -> Arrays.stream(bootstrap.split(",")).allMatch(LocalCluster::listening));
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000))) {
      await(
          count + " Kafka brokers at " + bootstrap,
          started,
          () -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == count);
    }
  }

  private static void submit(ClusterSpec spec, Plan plan, Path logs, List<ClusterProcess> running)
      throws Exception {
    List<String> command = FlinkCluster.submit(spec, plan.flink(), plan.bootstrap());
    // kept, so that a JobManager that was lost can be given the job again (resubmit)
    JSON.writeValue(submitFile(spec.dir()).toFile(), command);
    submit(command, FlinkCluster.submitEnv(spec), plan.jobManager(), logs, running);
  }

  /**
   * Submits the job again as {@code up} did — resuming from its newest retained checkpoint — to a
   * JobManager that lost it (a JobManager without high availability forgets its jobs when it dies).
   * Returns when the job is RUNNING.
   */
  public static void resubmit(Path dir) throws Exception {
    ClusterState state =
        read(dir).orElseThrow(() -> new IllegalArgumentException("no cluster in " + dir));
    List<String> command = List.of(JSON.readValue(submitFile(dir).toFile(), String[].class));
    submit(
        command,
        Map.of("FLINK_CONF_DIR", dir.resolve("flink").resolve("conf").toString()),
        state.jobManager(),
        logs(dir),
        state.processes().stream().filter(ClusterProcess::alive).toList());
  }

  private static Path submitFile(Path dir) {
    return dir.resolve("flink").resolve("submit.json");
  }

  private static void submit(
      List<String> command,
      Map<String, String> env,
      String jobManager,
      Path logs,
      List<ClusterProcess> running)
      throws Exception {
    String output = Processes.run(command, logs.resolve("submit.log"), env).awaitSuccess(STARTUP);
    Matcher job = JOB_ID.matcher(output);
    if (!job.find()) {
      throw new IllegalStateException(
          "flink run printed no job id, see " + logs.resolve("submit.log"));
    }
    await(
        "job " + job.group(1) + " RUNNING at " + jobManager,
        running,
        () -> FlinkJobs.allRunning(jobManager, job.group(1)));
  }

  interface Check {
    boolean ready() throws Exception;
  }

  /** Polls {@code check} until it holds; fails early when a process it waits on has died. */
  private static void await(String what, List<ClusterProcess> processes, Check check)
      throws Exception {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.ready()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      for (ClusterProcess p : processes) {
        if (!p.alive()) {
          throw new IllegalStateException(
              p.name() + " exited while waiting for " + what + ", see " + p.log());
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "gave up waiting for " + what + " after " + STARTUP + (last == null ? "" : ": " + last));
  }

  private static boolean listening(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(
              hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private static int status(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** SIGTERM to each, then SIGKILL to those still running after {@code grace}. */
  private static void stop(
      List<ClusterProcess> processes, Duration grace, Consumer<String> console) {
    List<ClusterProcess> stopping = new ArrayList<>();
    for (ClusterProcess p : processes) {
      p.handle()
          .ifPresent(
              h -> {
                h.destroy();
                stopping.add(p);
              });
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (ClusterProcess p : stopping) {
      boolean ended = p.handle().map(h -> awaitExit(h, deadline)).orElse(true);
      if (!ended) {
        p.handle().ifPresent(ProcessHandle::destroyForcibly);
      }
      console.accept(
          String.format(
              "%-11s %d  pid %-7d %s",
              p.role().label(),
              p.id(),
              p.pid(),
              ended ? "stopped" : "killed after " + grace.toSeconds() + " s"));
    }
  }

  private static boolean awaitExit(ProcessHandle handle, long deadline) {
    try {
      handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void write(ClusterState state) throws IOException {
    Path file = state.dir().resolve(STATE_FILE);
    Path next = state.dir().resolve(STATE_FILE + ".new");
    JSON.writeValue(next.toFile(), state);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
