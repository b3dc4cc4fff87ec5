package dev.hilnas.streams;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the measurement job connects and paces itself.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId consumer group of the job's Kafka source (offsets live in checkpoints)
 * @param transactionalIdPrefix prefix of the sinks' transactional ids; keep it stable across
 *     restarts so that transactions left open by a crash are aborted, not leaked
 * @param checkpointInterval how often state and Kafka transactions commit; output becomes
 *     visible to read_committed consumers at this pace
 * @param publishInterval the most often a target's snapshot is published
 */
public record JobSettings(
    String bootstrapServers,
    String groupId,
    String transactionalIdPrefix,
    Duration checkpointInterval,
    Duration publishInterval)
    implements Serializable {}
