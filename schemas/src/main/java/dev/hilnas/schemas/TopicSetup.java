package dev.hilnas.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the hil.* topics that do not exist yet (existing ones are left as they are) and, on a
 * cluster hilnas secures itself, grants every {@link Principal} its ACLs.
 */
public final class TopicSetup {
  private TopicSetup() {}

  /**
   * @return the names of the topics it created
   */
  public static List<String> ensure(KafkaConnection kafka, short replication) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?, ?> topic : Topics.ALL) {
        if (!existing.contains(topic.name())) {
          NewTopic t = new NewTopic(topic.name(), topic.partitions(), replication);
          if (topic.compacted()) {
            t.configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
          }
          missing.add(t);
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      }
      return missing.stream().map(NewTopic::name).toList();
    }
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
