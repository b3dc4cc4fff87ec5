package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.FrontierAssembly;
import dev.hilnas.core.latency.SimulatedDevice;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import dev.hilnas.testing.TopicRecords;
import dev.hilnas.testing.WithBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Measurements and evaluations → Kafka → Flink → hil.frontiers with the real broker and
 * MiniCluster: a job killed mid-stream and restarted from its checkpoint ends on the frontier a
 * batch recomputation of all inputs gives.
 */
class FrontierPipelineIT extends WithBroker {

  @Test
  void shouldStreamTheFrontierABatchRecomputationGivesAcrossAJobRestart() throws Exception {
    Objective objective = Objective.parse("PREFILL@512");
    HardwareTarget target = new HardwareTarget("frontier-it", "java-cpu");
    JobSettings settings =
        new JobSettings(
            connection,
            "it-frontiers",
            "it-frontiers",
            Duration.ofMillis(500),
            Duration.ofMillis(200),
            List.of(objective.toString()),
            Limits.DEFAULTS);
    Path checkpoints = dir.resolve("frontier-checkpoints");
    // Given 30 candidates, each measured at the objective and evaluated (bigger is better)
    Random random = new Random(9);
    List<Measurement> measurements = new ArrayList<>();
    List<Quality> qualities = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Candidate c = SimulatedDevice.randomCandidate(random);
      double ms =
          SimulatedDevice.additive().latencyMs(c, objective.phase(), objective.contextLength());
      measurements.add(
          Measurement.of(
              "f" + i, c, target, objective.phase(), objective.contextLength(), ms, List.of()));
      qualities.add(
          new Quality(
              "f" + i, c, Quality.PERPLEXITY, 1e4 / Math.sqrt(c.parameterCount()), null, null));
    }
    // When half arrives, the job is killed once its first frontier is committed, and the rest
    // arrives while it is down
    JobClient job = EmbeddedJob.start(settings, checkpoints, 2);
    publish(connection, qualities.subList(0, 15), measurements.subList(0, 15));
    awaitFrontier(connection, target, objective, u -> true);
    job.cancel().get(60, TimeUnit.SECONDS);
    publish(connection, qualities.subList(15, 30), measurements.subList(15, 30));
    JobClient restarted = EmbeddedJob.start(settings, checkpoints, 2);
    try {
      // Then the last published frontier is the one a batch recomputation of all inputs gives
      List<String> expected =
          FrontierAssembly.of(measurements, qualities, objective, null).frontier().points().stream()
              .map(p -> p.archId())
              .toList();
      FrontierUpdate last =
          awaitFrontier(connection, target, objective, u -> archIds(u).equals(expected));
      assertEquals(expected, archIds(last));
    } finally {
      restarted.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  /** Evaluations keyed by arch id, measurements by target id, as the producers key them. */
  private static void publish(
      KafkaConnection connection, List<Quality> qualities, List<Measurement> measurements) {
    TopicRecords.write(
        connection,
        Topics.QUALITY,
        qualities.stream().map(q -> Map.entry(q.candidate().archId(), Convert.toAvro(q))).toList());
    TopicRecords.write(
        connection,
        Topics.MEASUREMENTS,
        measurements.stream().map(m -> Map.entry(m.target().id(), Convert.toAvro(m))).toList());
  }

  private static List<String> archIds(FrontierUpdate u) {
    return u.getPoints().stream().map(p -> p.getCandidate().getArchId()).toList();
  }

  /** The newest committed frontier of the key, once it satisfies {@code done}. */
  private static FrontierUpdate awaitFrontier(
      KafkaConnection connection,
      HardwareTarget target,
      Objective objective,
      Predicate<FrontierUpdate> done)
      throws Exception {
    String key = FrontierUpdates.key(target.id(), objective);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    FrontierUpdate latest = null;
    while (System.nanoTime() < deadline) {
      for (var r : TopicRecords.readAll(connection, Topics.FRONTIERS.name())) {
        if (key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
          latest = Topics.FRONTIERS.valueSerde().deserializer().deserialize(null, r.value());
        }
      }
      if (latest != null && done.test(latest)) {
        return latest;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the frontier never reached the expected state; last seen "
            + (latest == null ? "nothing" : archIds(latest)));
  }
}
