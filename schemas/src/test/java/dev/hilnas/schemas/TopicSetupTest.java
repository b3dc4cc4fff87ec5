package dev.hilnas.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSetupTest {

  @Test
  void replicatesOncePerBrokerUpToThree() {
    assertEquals(1, TopicSetup.replicationFor(1));
    assertEquals(2, TopicSetup.replicationFor(2));
    assertEquals(3, TopicSetup.replicationFor(3));
    assertEquals(3, TopicSetup.replicationFor(7));
  }

  @Test
  void aWriteCountsOnTwoOfThreeReplicasAndNoReplicaThatFellBehindLeads() {
    assertEquals(
        Map.of(
            "cleanup.policy", "delete",
            "retention.ms", String.valueOf(Duration.ofDays(30).toMillis()),
            "min.insync.replicas", "2",
            "unclean.leader.election.enable", "false"),
        TopicSetup.settings(Topics.MEASUREMENTS, (short) 3));
    assertEquals(
        "1", TopicSetup.settings(Topics.MEASUREMENTS, (short) 2).get("min.insync.replicas"));
    assertEquals(
        "1", TopicSetup.settings(Topics.MEASUREMENTS, (short) 1).get("min.insync.replicas"));
  }

  @Test
  void keepsEachTopicForItsPurpose() {
    for (Topic<?, ?> snapshots : new Topic<?, ?>[] {Topics.LATENCY_MODELS, Topics.FRONTIERS}) {
      Map<String, String> config = TopicSetup.settings(snapshots, (short) 3);
      assertEquals("compact", config.get("cleanup.policy"), snapshots.name());
      assertEquals(null, config.get("retention.ms"), "compaction keeps each key's latest for ever");
    }
    assertEquals("-1", TopicSetup.settings(Topics.CANDIDATES, (short) 3).get("retention.ms"));
    assertEquals("-1", TopicSetup.settings(Topics.QUALITY, (short) 3).get("retention.ms"));
    assertEquals(
        String.valueOf(Duration.ofDays(90).toMillis()),
        TopicSetup.settings(Topics.DLQ, (short) 3).get("retention.ms"));
  }
}
