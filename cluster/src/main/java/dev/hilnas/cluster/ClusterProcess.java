package dev.hilnas.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One process of the local cluster as {@code cluster.json} keeps it, so that another invocation can
 * check, stop or restart it.
 *
 * @param id 1, 2, ... within its role (a broker's id is its Kafka node id)
 * @param startedAtMillis when the OS started it: with the pid, tells it from a later process that
 *     got the same pid
 * @param command what started it; run again to restart it
 * @param log the file its output goes to
 */
public record ClusterProcess(
    Role role, int id, long pid, long startedAtMillis, List<String> command, Path log) {

  public ClusterProcess {
    command = List.copyOf(command);
  }

  static ClusterProcess of(Role role, int id, Process process, List<String> command, Path log) {
    return new ClusterProcess(role, id, process.pid(), startedAt(process.toHandle()), command, log);
  }

  public boolean alive() {
    return handle().isPresent();
  }

  /** The running process, unless it has ended (or its pid now names another). */
  public Optional<ProcessHandle> handle() {
    if (pid <= 0) {
      return Optional.empty(); // recorded, not started yet
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> startedAt(h) == startedAtMillis);
  }

  /** {@code broker-2}: names its log file and console line. */
  public String name() {
    return role.label() + "-" + id;
  }

  private static long startedAt(ProcessHandle handle) {
    return handle.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
  }
}
