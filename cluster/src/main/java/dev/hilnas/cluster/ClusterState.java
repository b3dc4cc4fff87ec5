package dev.hilnas.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A local cluster as {@code DIR/cluster.json} records it.
 *
 * @param bootstrap the brokers' client addresses, {@code localhost:9092,localhost:9093,...}
 * @param jobmanager the Flink REST address, {@code http://localhost:8081}
 * @param query the query service's root, {@code http://localhost:8080/}
 * @param dir configs, data, checkpoints and logs
 * @param processes in the order they start
 */
public record ClusterState(
    String bootstrap,
    @JsonProperty("jobmanager") String jobManager,
    String query,
    Path dir,
    List<ClusterProcess> processes) {

  public ClusterState {
    processes = List.copyOf(processes);
  }

  public Optional<ClusterProcess> process(Role role, int id) {
    return processes.stream().filter(p -> p.role() == role && p.id() == id).findFirst();
  }

  public List<ClusterProcess> processes(Role role) {
    return processes.stream().filter(p -> p.role() == role).toList();
  }

  ClusterState with(ClusterProcess replacement) {
    List<ClusterProcess> out = new ArrayList<>(processes);
    out.replaceAll(
        p -> p.role() == replacement.role() && p.id() == replacement.id() ? replacement : p);
    return new ClusterState(bootstrap, jobManager, query, dir, out);
  }
}
