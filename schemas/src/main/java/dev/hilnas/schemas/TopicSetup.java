package dev.hilnas.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the hil.* topics that do not exist yet (existing ones are left as they are), each
 * replicated and its records kept as {@link #settings} says, and, on a cluster hilnas secures
 * itself, grants every {@link Principal} its ACLs.
 */
public final class TopicSetup {
  private TopicSetup() {}

  /** Replicas of each topic on a cluster of {@code brokers}: one per broker, up to 3. */
  public static short replicationFor(int brokers) {
    return (short) Math.min(3, brokers);
  }

  /**
   * Creates the missing topics with {@link #replicationFor} the brokers the cluster has now.
   *
   * @return the names of the topics it created
   */
  public static List<String> ensure(KafkaConnection kafka) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      int brokers = admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).size();
      return ensure(admin, replicationFor(brokers));
    }
  }

  /**
   * @return the names of the topics it created
   */
  public static List<String> ensure(KafkaConnection kafka, short replication) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      return ensure(admin, replication);
    }
  }

  /**
   * A topic's configuration: compacted, or kept for its {@link Topic#retentionMs}; a write counts
   * when 2 of 3 replicas have it (1 of fewer), and a replica that fell behind never becomes leader,
   * so what a producer with {@code acks=all} was told is written survives the loss of a broker.
   */
  public static Map<String, String> settings(Topic<?, ?> topic, short replication) {
    Map<String, String> config = new HashMap<>();
    if (topic.compacted()) {
      config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    } else {
      config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
      config.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(topic.retentionMs()));
    }
    config.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, replication >= 3 ? "2" : "1");
    config.put(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false");
    return config;
  }

  private static List<String> ensure(Admin admin, short replication) throws Exception {
    Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
    List<NewTopic> missing = new ArrayList<>();
    for (Topic<?, ?> topic : Topics.ALL) {
      if (!existing.contains(topic.name())) {
        missing.add(
            new NewTopic(topic.name(), topic.partitions(), replication)
                .configs(settings(topic, replication)));
      }
    }
    if (!missing.isEmpty()) {
      admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
    }
    return missing.stream().map(NewTopic::name).toList();
  }

  /**
   * Grants every {@link Principal} its ACLs; those that exist already stay as they are.
   *
   * @param admin a user allowed to alter ACLs (the super user)
   */
  public static void grantAccess(KafkaConnection admin) throws Exception {
    try (Admin client = Admin.create(admin.clientProperties())) {
      client
          .createAcls(Stream.of(Principal.values()).flatMap(p -> p.acls().stream()).toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }
}
