package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class ClusterJobTest {

  @Test
  void theJarsEntryPointBuildsTheEmbeddedStacksGraphWithExactlyOnceCheckpoints() {
    StreamExecutionEnvironment env =
        ClusterJob.configure(
            StreamExecutionEnvironment.createLocalEnvironment(1),
            new String[] {
              "--bootstrap",
              "kafka:9092",
              "--objectives",
              "PREFILL@512,DECODE@512",
              "--checkpoint-interval",
              "5s"
            });
    List<String> operators =
        env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getOperatorName).toList();
    for (String name : List.of("validate", "drop-duplicates", "per-target", "frontiers")) {
      assertTrue(operators.stream().anyMatch(o -> o.contains(name)), name + " in " + operators);
    }
    assertEquals(5000, env.getCheckpointConfig().getCheckpointInterval());
  }

  @Test
  void missingOrUnknownOptionsAreErrorsThatSayWhich() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ClusterJob.configure(env, new String[0]))
            .getMessage()
            .contains("--bootstrap"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env, new String[] {"--bootstrap", "k:9092", "--paralelism", "2"}))
            .getMessage()
            .contains("[paralelism]"));
  }

  @Test
  void aDurationItCannotReadIsAnErrorThatNamesTheOption() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    assertEquals(
        "--publish-interval: duration must look like 500ms, 2s, 5m, 1h or PT1M30S, got 'often'",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env, new String[] {"--bootstrap", "k:9092", "--publish-interval", "often"}))
            .getMessage());
  }

  @Test
  void takesTheLimitOptionsOfTheCliAndSaysWhichIsWrong() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    ClusterJob.configure(
        env,
        new String[] {
          "--bootstrap", "k:9092", "--max-latency-ms", "60000", "--max-context", "32768",
          "--max-layers", "64", "--max-d-model", "8192", "--max-vocab", "262144",
          "--max-perplexity", "1e6"
        });
    assertEquals(
        "--max-layers must be a number, got 'many'",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env, new String[] {"--bootstrap", "k:9092", "--max-layers", "many"}))
            .getMessage());
    assertEquals(
        "objective PREFILL@8192: contextLength must be at most 4096, got 8192",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClusterJob.configure(
                        env, new String[] {"--bootstrap", "k:9092", "--max-context", "4096"}))
            .getMessage());
  }
}
