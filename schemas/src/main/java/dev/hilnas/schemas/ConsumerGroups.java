package dev.hilnas.schemas;

/**
 * The consumer groups of hilnas's clients, named once: the ACLs of {@link Principal} grant them,
 * and the transactional ids of the exactly-once writers start with them.
 */
public final class ConsumerGroups {
  private ConsumerGroups() {}

  /** The Flink job's source group; also the prefix of its sinks' transactional ids. */
  public static final String JOB = "hilnas-job";

  /** The query service's Kafka Streams application id. */
  public static final String QUERY = "hilnas-query";

  /** The quality evaluators' group; a worker's transactional id is {@code <group>.<worker id>}. */
  public static final String EVALUATOR = "hilnas-evaluator";

  /** What every agent group starts with. */
  public static final String AGENT_PREFIX = "hilnas-agent-";

  /**
   * The group the agents of one target share: {@code hilnas-agent-<target id with / as .>}; an
   * agent's transactional id is {@code <group>.<agent id>}.
   */
  public static String agents(String targetId) {
    return AGENT_PREFIX + targetId.replace('/', '.');
  }
}
