package dev.hilnas.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** Who may do what on a secured cluster: the "written by" and "read by" of docs/contracts.md. */
class PrincipalTest {

  /** Topic name → the users allowed {@code operation} on it. */
  private static Map<String, Set<String>> users(AclOperation operation) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Principal p : Principal.values()) {
      for (AclBinding acl : p.acls()) {
        if (acl.pattern().resourceType() == ResourceType.TOPIC
            && acl.entry().operation() == operation) {
          out.computeIfAbsent(acl.pattern().name(), t -> new TreeSet<>()).add(p.user());
        }
      }
    }
    return out;
  }

  @Test
  void eachTopicIsWrittenOnlyByThoseItsContractSays() {
    assertEquals(
        Map.of(
            "hil.candidates", Set.of("search"),
            "hil.measurements", Set.of("device", "gateway", "import"),
            "hil.quality", Set.of("evaluator", "import"),
            "hil.latency-models", Set.of("job"),
            "hil.frontiers", Set.of("job"),
            "hil.dlq", Set.of("device", "evaluator", "gateway", "import", "job")),
        users(AclOperation.WRITE));
  }

  @Test
  void eachTopicIsReadOnlyByThoseItsContractSays() {
    assertEquals(
        Map.of(
            "hil.candidates", Set.of("device", "evaluator", "query", "search"),
            "hil.measurements", Set.of("job"),
            "hil.quality", Set.of("job"),
            "hil.latency-models", Set.of("query", "search"),
            "hil.frontiers", Set.of("query", "search"),
            "hil.dlq", Set.of("query", "search")),
        users(AclOperation.READ));
  }

  @Test
  void aDeviceMayUseAnyAgentGroupAndAgentTransactionButNothingElse() {
    assertEquals(
        List.of(
            "TOPIC hil.candidates LITERAL READ",
            "TOPIC hil.measurements LITERAL WRITE",
            "TOPIC hil.dlq LITERAL WRITE",
            "GROUP hilnas-agent- PREFIXED READ",
            "TRANSACTIONAL_ID hilnas-agent- PREFIXED WRITE"),
        grants(Principal.DEVICE));
  }

  @Test
  void theExactlyOnceWritersHaveTheirGroupsAndTransactionalIds() {
    assertEquals(
        List.of("GROUP hilnas-job LITERAL READ", "TRANSACTIONAL_ID hilnas-job PREFIXED WRITE"),
        grants(Principal.JOB).subList(5, 7));
    assertEquals(
        List.of(
            "GROUP hilnas-evaluator LITERAL READ",
            "TRANSACTIONAL_ID hilnas-evaluator. PREFIXED WRITE"),
        grants(Principal.EVALUATOR).subList(3, 5));
    assertEquals(List.of("GROUP hilnas-query LITERAL READ"), grants(Principal.QUERY).subList(2, 3));
    assertEquals(
        "hilnas-agent-pixel8-cpu.executorch", ConsumerGroups.agents("pixel8-cpu/executorch"));
  }

  @Test
  void theQueryServiceMayReadRequestsAndFailuresAndOnlyDescribeTheAgentsGroups() {
    assertEquals(
        List.of(
            "TOPIC hil.candidates LITERAL READ",
            "TOPIC hil.dlq LITERAL READ",
            "GROUP hilnas-agent- PREFIXED DESCRIBE"),
        grants(Principal.QUERY).subList(3, 6));
  }

  @Test
  void everyGrantAllowsTheUserNamedAfterThePrincipalFromAnyHost() {
    assertEquals(
        List.of("device", "gateway", "import", "evaluator", "search", "job", "query"),
        Stream.of(Principal.values()).map(Principal::user).toList());
    for (Principal p : Principal.values()) {
      for (AclBinding acl : p.acls()) {
        assertEquals("User:" + p.user(), acl.entry().principal());
        assertEquals("*", acl.entry().host());
        assertEquals(AclPermissionType.ALLOW, acl.entry().permissionType());
      }
    }
  }

  private static List<String> grants(Principal p) {
    return p.acls().stream()
        .map(
            a ->
                a.pattern().resourceType()
                    + " "
                    + a.pattern().name()
                    + " "
                    + a.pattern().patternType()
                    + " "
                    + a.entry().operation())
        .toList();
  }
}
