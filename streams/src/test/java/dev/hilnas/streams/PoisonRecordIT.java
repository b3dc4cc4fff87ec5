package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.latency.SimulatedDevice;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.Topics;
import dev.hilnas.testing.TopicRecords;
import dev.hilnas.testing.WithBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * The issue "nothing a client sends can stop the pipeline", end to end on the real broker and
 * MiniCluster: a measurement that makes an operator throw goes to hil.dlq, and the job streams on.
 */
class PoisonRecordIT extends WithBroker {

  @Test
  void shouldDeadLetterAPoisonMeasurementAndKeepStreaming() throws Exception {
    Objective kept = Objective.parse("PREFILL@512");
    Objective poisoned = Objective.parse("DECODE@512");
    HardwareTarget target = new HardwareTarget("poison-it", "java-cpu");
    JobSettings settings =
        new JobSettings(
            connection,
            "it-poison",
            "it-poison",
            Duration.ofMillis(500),
            Duration.ofMillis(200),
            List.of(kept.toString(), poisoned.toString()),
            Limits.DEFAULTS);
    Random random = new Random(11);
    List<Measurement> measurements = new ArrayList<>();
    List<Quality> qualities = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Candidate c = SimulatedDevice.randomCandidate(random);
      double ms = SimulatedDevice.additive().latencyMs(c, kept.phase(), kept.contextLength());
      measurements.add(
          Measurement.of("p" + i, c, target, kept.phase(), kept.contextLength(), ms, List.of()));
      qualities.add(
          new Quality(
              "p" + i, c, Quality.PERPLEXITY, 1e4 / Math.sqrt(c.parameterCount()), null, null));
    }
    // a finite latency, but the reference point of its frontier's first publication is not
    Measurement poison =
        Measurement.of(
            "p0",
            qualities.get(0).candidate(),
            target,
            poisoned.phase(),
            poisoned.contextLength(),
            1e308,
            List.of());
    JobClient job = EmbeddedJob.start(settings, dir.resolve("checkpoints"), 2);
    try {
      // Given a frontier that holds the first candidate's evaluation
      publish(connection, qualities.subList(0, 5), measurements.subList(0, 5));
      awaitFrontier(connection, target, kept, 5);
      // When the poison arrives, and good records after it
      publish(connection, List.of(), List.of(poison));
      publish(connection, qualities.subList(5, 10), measurements.subList(5, 10));

      // Then the frontier moves on past it, and the poison is in hil.dlq (validation may refuse
      // it before any operator does: either way the job goes on)
      awaitFrontier(connection, target, kept, 10);
      List<String> deadMeasurements =
          TopicRecords.readAll(connection, Topics.DLQ.name()).stream()
              .map(r -> Topics.DLQ.valueSerde().deserializer().deserialize(null, r.value()))
              .filter(d -> d.getSourceTopic().equals(Topics.MEASUREMENTS.name()))
              .map(d -> measurement(d).getMeasurementId())
              .toList();
      assertEquals(List.of(poison.id()), deadMeasurements);
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

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

  private static LatencyMeasurement measurement(DeadLetter letter) {
    ByteBuffer value = letter.getValue().duplicate();
    byte[] bytes = new byte[value.remaining()];
    value.get(bytes);
    return Topics.MEASUREMENTS.valueSerde().deserializer().deserialize(null, bytes);
  }

  /** Waits until the target's committed frontier counts {@code candidates}, on it or off it. */
  private static void awaitFrontier(
      KafkaConnection connection, HardwareTarget target, Objective objective, int candidates)
      throws Exception {
    String key = FrontierUpdates.key(target.id(), objective);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int seen = 0;
    while (System.nanoTime() < deadline) {
      for (var r : TopicRecords.readAll(connection, Topics.FRONTIERS.name())) {
        if (key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
          FrontierUpdate u =
              Topics.FRONTIERS.valueSerde().deserializer().deserialize(null, r.value());
          seen = u.getPoints().size() + u.getOthers().size();
        }
      }
      if (seen == candidates) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the frontier never counted " + candidates + " candidates; last seen " + seen);
  }
}
