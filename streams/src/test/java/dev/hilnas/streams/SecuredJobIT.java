package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.latency.SimulatedDevice;
import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.Principal;
import dev.hilnas.schemas.Topics;
import dev.hilnas.testing.TopicRecords;
import dev.hilnas.testing.WithSecuredBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * The Flink job on the secured broker ({@code serve --secure}: SASL_SSL, SCRAM, ACLs), connected as
 * the {@code job} user only: it reads what an importer wrote and publishes models and frontiers
 * that the query service's user can read, with no right beyond its ACLs.
 */
class SecuredJobIT extends WithSecuredBroker {

  static final Objective OBJECTIVE = Objective.parse("PREFILL@512");
  static final int MEASUREMENTS = 40;

  @Test
  void shouldPublishModelsAndFrontiersAsTheJobUser() throws Exception {
    HardwareTarget target = new HardwareTarget("secured-it", "java-cpu");
    JobSettings settings =
        new JobSettings(
            as(Principal.JOB),
            ConsumerGroups.JOB,
            ConsumerGroups.JOB + "-it",
            Duration.ofMillis(500),
            Duration.ofMillis(200));
    Random random = new Random(5);
    List<Map.Entry<String, dev.hilnas.schemas.LatencyMeasurement>> measurements = new ArrayList<>();
    List<Map.Entry<String, dev.hilnas.schemas.QualityEvaluation>> qualities = new ArrayList<>();
    for (int i = 0; i < MEASUREMENTS; i++) {
      Candidate c = SimulatedDevice.randomCandidate(random);
      double ms =
          SimulatedDevice.additive().latencyMs(c, OBJECTIVE.phase(), OBJECTIVE.contextLength());
      Measurement m =
          Measurement.of(
              "s" + i, c, target, OBJECTIVE.phase(), OBJECTIVE.contextLength(), ms, List.of());
      measurements.add(Map.entry(target.id(), Convert.toAvro(m)));
      Quality q =
          new Quality(
              "s" + i, c, Quality.PERPLEXITY, 1e4 / Math.sqrt(c.parameterCount()), null, null);
      qualities.add(Map.entry(c.archId(), Convert.toAvro(q)));
    }

    JobClient job = EmbeddedJob.start(settings, dir.resolve("checkpoints"), 1);
    try {
      TopicRecords.write(as(Principal.IMPORT), Topics.QUALITY, qualities);
      TopicRecords.write(as(Principal.IMPORT), Topics.MEASUREMENTS, measurements);

      LatencyModelSnapshot model = awaitModel(target, MEASUREMENTS);
      assertEquals(MEASUREMENTS, model.getMeasurements());
      List<FrontierUpdate> frontiers =
          TopicRecords.readAll(as(Principal.QUERY), Topics.FRONTIERS.name()).stream()
              .map(r -> Topics.FRONTIERS.valueSerde().deserializer().deserialize(null, r.value()))
              .filter(u -> u.getTargetId().equals(target.id()))
              .toList();
      assertTrue(
          frontiers.stream().anyMatch(u -> u.getObjective().equals(OBJECTIVE.toString())),
          "a frontier of " + OBJECTIVE + " was published");
      assertEquals(
          List.of(),
          TopicRecords.readAll(as(Principal.SEARCH), Topics.DLQ.name()),
          "nothing was dead-lettered");
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  /** The newest committed model of the target once it counts {@code count} measurements. */
  private static LatencyModelSnapshot awaitModel(HardwareTarget target, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    LatencyModelSnapshot newest = null;
    while (System.nanoTime() < deadline) {
      for (var r : TopicRecords.readAll(as(Principal.QUERY), Topics.LATENCY_MODELS.name())) {
        LatencyModelSnapshot s =
            Topics.LATENCY_MODELS.valueSerde().deserializer().deserialize(null, r.value());
        if (s.getTargetId().equals(target.id())) {
          newest = s;
        }
      }
      if (newest != null && newest.getMeasurements() >= count) {
        return newest;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "no model of "
            + target.id()
            + " counting "
            + count
            + " measurements; newest: "
            + (newest == null ? "none" : newest.getMeasurements()));
  }
}
