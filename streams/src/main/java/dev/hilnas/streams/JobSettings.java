package dev.hilnas.streams;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.schemas.KafkaConnection;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * How the measurement job connects and paces itself.
 *
 * @param kafka the Kafka the sources and sinks connect to, with its security settings (shipped to
 *     the task managers with the job)
 * @param groupId consumer group of the job's Kafka source (offsets live in checkpoints)
 * @param transactionalIdPrefix prefix of the sinks' transactional ids; keep it stable across
 *     restarts so that transactions left open by a crash are aborted, not leaked
 * @param checkpointInterval how often state and Kafka transactions commit; output becomes visible
 *     to read_committed consumers at this pace
 * @param publishInterval the most often a target's latency model is refitted and its snapshot
 *     published (the refit interval)
 * @param frontierInterval the most often a target publishes its frontier updates, each carrying
 *     every change since the last; zero publishes after each record
 * @param objectives the frontiers kept per target, as {@code PHASE@tokens}
 * @param limits what the job's validation accepts; beyond them a record goes to {@code hil.dlq}
 */
public record JobSettings(
    KafkaConnection kafka,
    String groupId,
    String transactionalIdPrefix,
    Duration checkpointInterval,
    Duration publishInterval,
    Duration frontierInterval,
    List<String> objectives,
    Limits limits)
    implements Serializable {

  /** The refit interval when nobody says otherwise. */
  public static final Duration DEFAULT_REFIT_INTERVAL = Duration.ofMillis(250);

  /** The frontier publish interval when nobody says otherwise. */
  public static final Duration DEFAULT_FRONTIER_INTERVAL = Duration.ofMillis(250);

  /** The frontiers kept when nobody says otherwise. */
  public static final List<String> DEFAULT_OBJECTIVES =
      List.of(
          "PREFILL@512",
          "PREFILL@2048",
          "PREFILL@8192",
          "DECODE@512",
          "DECODE@2048",
          "DECODE@8192");

  public JobSettings {
    if (publishInterval.isNegative() || publishInterval.isZero()) {
      throw new IllegalArgumentException("the refit interval must be > 0, got " + publishInterval);
    }
    if (frontierInterval.isNegative()) {
      throw new IllegalArgumentException(
          "the frontier interval must be >= 0, got " + frontierInterval);
    }
    objectives = List.copyOf(objectives);
    objectives.forEach(o -> limits.check(Objective.parse(o))); // fail now, not in the job
  }

  /** Settings with the {@link #DEFAULT_FRONTIER_INTERVAL}. */
  public JobSettings(
      KafkaConnection kafka,
      String groupId,
      String transactionalIdPrefix,
      Duration checkpointInterval,
      Duration publishInterval,
      List<String> objectives,
      Limits limits) {
    this(
        kafka,
        groupId,
        transactionalIdPrefix,
        checkpointInterval,
        publishInterval,
        DEFAULT_FRONTIER_INTERVAL,
        objectives,
        limits);
  }

  /** Settings that keep the {@link #DEFAULT_OBJECTIVES} within the {@link Limits#DEFAULTS}. */
  public JobSettings(
      KafkaConnection kafka,
      String groupId,
      String transactionalIdPrefix,
      Duration checkpointInterval,
      Duration publishInterval) {
    this(
        kafka,
        groupId,
        transactionalIdPrefix,
        checkpointInterval,
        publishInterval,
        DEFAULT_FRONTIER_INTERVAL,
        DEFAULT_OBJECTIVES,
        Limits.DEFAULTS);
  }
}
