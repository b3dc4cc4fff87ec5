package dev.hilnas.cluster;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** Processes of a local cluster killed on purpose, and which to kill. */
public final class Faults {
  private Faults() {}

  /**
   * SIGKILL to a process of the cluster in {@code dir}, as a crash or a pulled plug would end it;
   * returns once it has exited.
   */
  public static ClusterProcess kill(Path dir, Role role, int id) throws Exception {
    ClusterState state =
        LocalCluster.read(dir)
            .orElseThrow(() -> new IllegalArgumentException("no cluster in " + dir));
    ClusterProcess process =
        state
            .process(role, id)
            .orElseThrow(() -> new IllegalArgumentException("no " + role.label() + " " + id));
    ProcessHandle handle =
        process
            .handle()
            .orElseThrow(() -> new IllegalStateException(process.name() + " is not running"));
    handle.destroyForcibly();
    handle.onExit().get(30, TimeUnit.SECONDS);
    return process;
  }

  /** The broker leading the partition of {@code topic} with the most records. */
  public static int leaderOfBusiestPartition(Admin admin, String topic) throws Exception {
    TopicDescription d =
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    d.partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
    int busiest =
        ends.entrySet().stream()
            .max(Map.Entry.comparingByValue((a, b) -> Long.compare(a.offset(), b.offset())))
            .orElseThrow()
            .getKey()
            .partition();
    return d.partitions().get(busiest).leader().id();
  }
}
