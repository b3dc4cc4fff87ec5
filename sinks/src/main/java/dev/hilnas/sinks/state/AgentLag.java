package dev.hilnas.sinks.state;

import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents' lag per target: the records of hil.candidates their group ({@link ConsumerGroups#agents})
 * has not yet committed — requests for other targets included, as agents skip those by reading
 * them. Asked of the broker on each call. Thread-safe.
 */
public final class AgentLag implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentLag.class);

  /** How long one call waits for the broker before it reports the lag as unknown. */
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final Admin admin;

  public AgentLag(KafkaConnection kafka) {
    this.admin = Admin.create(kafka.clientProperties());
  }

  /**
   * @return records behind the end of hil.candidates (committed records only); empty when no agent
   *     of the target has committed yet, or the broker did not answer within {@link #TIMEOUT}
   */
  public OptionalLong of(String targetId) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(ConsumerGroups.agents(targetId))
              .partitionsToOffsetAndMetadata()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (committed.isEmpty()) {
        return OptionalLong.empty();
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(Topics.CANDIDATES.name()))
          .allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .get(Topics.CANDIDATES.name())
          .partitions()
          .forEach(
              p ->
                  latest.put(
                      new TopicPartition(Topics.CANDIDATES.name(), p.partition()),
                      OffsetSpec.latest()));
      long lag = 0;
      var ends =
          admin
              .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
              .all()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      for (var end : ends.entrySet()) {
        OffsetAndMetadata at = committed.get(end.getKey());
        lag += Math.max(0, end.getValue().offset() - (at == null ? 0 : at.offset()));
      }
      return OptionalLong.of(lag);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("agents' lag of {} unknown: {}", targetId, e.toString());
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
