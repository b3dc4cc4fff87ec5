package dev.hilnas.schemas;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka users hilnas's parts connect as on a secured cluster, and all that each may do
 * (docs/security.md): a device cannot forge a frontier, a service cannot write another's topics.
 * READ and WRITE imply DESCRIBE; besides, only the query service may DESCRIBE the agents' groups
 * (to read their lag), and nothing else is allowed. The administrator that creates the topics and
 * grants these is the cluster's super user, not one of them.
 */
public enum Principal {
  /** Device agents: read the requests and write measurements, and the requests they failed on. */
  DEVICE(
      read(Topics.CANDIDATES),
      write(Topics.MEASUREMENTS),
      write(Topics.DLQ),
      groupsStartingWith(ConsumerGroups.AGENT_PREFIX),
      transactionsStartingWith(ConsumerGroups.AGENT_PREFIX)),
  /** The HTTP ingest gateway of {@code serve}: devices' posts, and the lines it refused. */
  GATEWAY(write(Topics.MEASUREMENTS), write(Topics.DLQ)),
  /** {@code hilnas import}: measurements, evaluations and the lines it refused. */
  IMPORT(write(Topics.MEASUREMENTS), write(Topics.QUALITY), write(Topics.DLQ)),
  /** The quality evaluator: reads the requests, writes evaluations and what it failed on. */
  EVALUATOR(
      read(Topics.CANDIDATES),
      write(Topics.QUALITY),
      write(Topics.DLQ),
      group(ConsumerGroups.EVALUATOR),
      transactionsStartingWith(ConsumerGroups.EVALUATOR + ".")),
  /** The search producer: follows models, frontiers and failed attempts, writes requests. */
  SEARCH(
      read(Topics.LATENCY_MODELS),
      read(Topics.FRONTIERS),
      read(Topics.DLQ),
      read(Topics.CANDIDATES),
      write(Topics.CANDIDATES)),
  /** The Flink job: the only writer of models and frontiers. */
  JOB(
      read(Topics.MEASUREMENTS),
      read(Topics.QUALITY),
      write(Topics.LATENCY_MODELS),
      write(Topics.FRONTIERS),
      write(Topics.DLQ),
      group(ConsumerGroups.JOB),
      transactionsStartingWith(ConsumerGroups.JOB)),
  /**
   * The query service: its Kafka Streams stores, the frontier event feed, and the search's progress
   * (requests, agents' failed attempts, and the agents' groups' offsets for their lag).
   */
  QUERY(
      read(Topics.LATENCY_MODELS),
      read(Topics.FRONTIERS),
      group(ConsumerGroups.QUERY),
      read(Topics.CANDIDATES),
      read(Topics.DLQ),
      describeGroupsStartingWith(ConsumerGroups.AGENT_PREFIX));

  private final List<Grant> grants;

  Principal(Grant... grants) {
    this.grants = List.of(grants);
  }

  /** The SCRAM user name: {@code device}, {@code job}, ... */
  public String user() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every ACL this principal needs, from any host. */
  public List<AclBinding> acls() {
    return grants.stream()
        .map(
            g ->
                new AclBinding(
                    new ResourcePattern(g.type(), g.name(), g.pattern()),
                    new AccessControlEntry(
                        "User:" + user(), "*", g.operation(), AclPermissionType.ALLOW)))
        .toList();
  }

  /** One allowed operation on one resource, or on every resource whose name starts so. */
  private record Grant(
      ResourceType type, String name, PatternType pattern, AclOperation operation) {}

  private static Grant read(Topic<?, ?> topic) {
    return new Grant(ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.READ);
  }

  private static Grant write(Topic<?, ?> topic) {
    return new Grant(ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.WRITE);
  }

  private static Grant group(String group) {
    return new Grant(ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ);
  }

  private static Grant groupsStartingWith(String prefix) {
    return new Grant(ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.READ);
  }

  private static Grant describeGroupsStartingWith(String prefix) {
    return new Grant(ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.DESCRIBE);
  }

  private static Grant transactionsStartingWith(String prefix) {
    return new Grant(
        ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.WRITE);
  }
}
