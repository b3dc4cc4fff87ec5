package dev.hilnas.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterStateTest {

  @TempDir Path dir;

  private static ClusterProcess self(Role role, int id, long startedAtMillis) {
    return new ClusterProcess(
        role,
        id,
        ProcessHandle.current().pid(),
        startedAtMillis,
        List.of("java", "-cp", "lib/*", "kafka.Kafka"),
        Path.of("/tmp/logs/x.log"));
  }

  private static long myStart() {
    return ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
  }

  @Test
  void aProcessIsAliveOnlyWhileItsPidNamesTheProcessThatWasStarted() {
    assertTrue(self(Role.BROKER, 1, myStart()).alive());
    assertFalse(self(Role.BROKER, 1, myStart() - 1000).alive(), "the pid reused by another");
    assertFalse(
        new ClusterProcess(Role.QUERY, 1, 0, 0, List.of("x"), Path.of("x.log")).alive(),
        "recorded, not started");
  }

  @Test
  void readsBackWhatItRecorded() throws Exception {
    ClusterState state =
        new ClusterState(
            "localhost:1,localhost:2",
            "http://localhost:3",
            "http://localhost:4/",
            dir,
            List.of(self(Role.BROKER, 1, myStart()), self(Role.TASKMANAGER, 2, myStart())));
    new ObjectMapper().writeValue(dir.resolve(LocalCluster.STATE_FILE).toFile(), state);

    ClusterState read = LocalCluster.read(dir).orElseThrow();

    assertEquals(state, read);
    assertEquals(Role.TASKMANAGER, read.process(Role.TASKMANAGER, 2).orElseThrow().role());
    assertTrue(new ObjectMapper().writeValueAsString(state).contains("\"role\":\"taskmanager\""));
    assertTrue(new ObjectMapper().writeValueAsString(state).contains("\"jobmanager\":"));
  }

  @Test
  void aClusterNeedsASlotForEachParallelTask() {
    assertEquals(
        "parallelism 5 needs more slots than 2 TaskManagers x 2 have",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ClusterSpec(dir, 3, 2, 2, 5, dir, dir, dir, List.of("hilnas"), 0, dir))
            .getMessage());
  }

  @Test
  void replicatesOncePerBrokerUpToThreeAndNeedsTwoOfThree() {
    assertEquals(
        1, new ClusterSpec(dir, 1, 1, 1, 1, dir, dir, dir, List.of(), 0, dir).replication());
    ClusterSpec three = new ClusterSpec(dir, 5, 1, 1, 1, dir, dir, dir, List.of(), 0, dir);
    assertEquals(3, three.replication());
    assertEquals(2, three.minInsyncReplicas());
  }
}
