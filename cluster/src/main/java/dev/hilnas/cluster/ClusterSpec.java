package dev.hilnas.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link LocalCluster#up} starts.
 *
 * @param dir configs, data, checkpoints, logs and {@code cluster.json}
 * @param brokers Kafka brokers; with 3 or more, the first 3 are the KRaft controller quorum too
 * @param taskManagers Flink TaskManagers
 * @param slots task slots per TaskManager
 * @param parallelism the job's parallelism
 * @param kafkaLib Kafka's server jars and their dependencies ({@code cluster/target/kafka-lib})
 * @param flinkLib Flink's own jars and their dependencies ({@code cluster/target/flink-lib})
 * @param jobJar {@code hilnas-streams-*-job.jar}
 * @param hilnas the command that runs the hilnas CLI (java, its options, classpath, main class);
 *     the query service is this plus {@code serve --no-job ...}
 * @param queryPort the query service's HTTP port; 0 picks a free one
 * @param java the java that runs Kafka and Flink
 * @param queryOptions more options of the query service's {@code serve}, e.g. {@code --devices F}
 */
public record ClusterSpec(
    Path dir,
    int brokers,
    int taskManagers,
    int slots,
    int parallelism,
    Path kafkaLib,
    Path flinkLib,
    Path jobJar,
    List<String> hilnas,
    int queryPort,
    Path java,
    List<String> queryOptions) {

  /** What {@code cluster up} starts unless told otherwise; {@code docker/compose.yml} too. */
  public static final int DEFAULT_BROKERS = 3;

  public static final int DEFAULT_TASK_MANAGERS = 2;
  public static final int DEFAULT_SLOTS = 2;
  public static final int DEFAULT_PARALLELISM = 2;

  public ClusterSpec(
      Path dir,
      int brokers,
      int taskManagers,
      int slots,
      int parallelism,
      Path kafkaLib,
      Path flinkLib,
      Path jobJar,
      List<String> hilnas,
      int queryPort,
      Path java) {
    this(
        dir,
        brokers,
        taskManagers,
        slots,
        parallelism,
        kafkaLib,
        flinkLib,
        jobJar,
        hilnas,
        queryPort,
        java,
        List.of());
  }

  public ClusterSpec {
    hilnas = List.copyOf(hilnas);
    queryOptions = List.copyOf(queryOptions);
    if (brokers < 1 || taskManagers < 1 || slots < 1 || parallelism < 1) {
      throw new IllegalArgumentException(
          "brokers, taskmanagers, slots and parallelism must be >= 1");
    }
    if (parallelism > taskManagers * slots) {
      throw new IllegalArgumentException(
          "parallelism "
              + parallelism
              + " needs more slots than "
              + taskManagers
              + " TaskManagers x "
              + slots
              + " have");
    }
  }

  /** Replicas of every topic: one per broker, up to 3. */
  public int replication() {
    return Math.min(3, brokers);
  }

  /** Replicas that must have a write before it counts: 2 of 3, so one broker may be down. */
  public int minInsyncReplicas() {
    return replication() >= 3 ? 2 : 1;
  }
}
