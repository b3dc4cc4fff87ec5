package dev.hilnas.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Runner;
import dev.hilnas.producers.agent.Measurer;
import dev.hilnas.producers.agent.MeasuringAgent;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.producers.gateway.IngestGateway;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Principal;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.MeasurementJson;
import dev.hilnas.testing.TopicRecords;
import dev.hilnas.testing.WithSecuredBroker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * hilnas's clients on a broker secured as {@code serve --secure} secures it: each connects as its
 * own principal and is allowed what its ACLs grant, and nobody else gets in.
 */
class SecuredBrokerIT extends WithSecuredBroker {

  private static final Candidate C =
      Candidate.builder()
          .layers(2)
          .dModel(64)
          .heads(2, 1)
          .headDim(32)
          .ffnDim(128)
          .vocabSize(100)
          .build();

  private static ProducerRecord<byte[], byte[]> measurement(HardwareTarget target, double ms) {
    Measurement m = Measurement.of("c", C, target, Phase.DECODE, 64, ms, List.of());
    return new ProducerRecord<>(
        Topics.MEASUREMENTS.name(),
        target.id().getBytes(StandardCharsets.UTF_8),
        Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, Convert.toAvro(m)));
  }

  private static KafkaProducer<byte[], byte[]> producer(KafkaConnection kafka) {
    Properties p = ProducerSettings.reliable(kafka, "it");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    return new KafkaProducer<>(p);
  }

  /** What sending {@code record} as {@code kafka} failed with. */
  private static Throwable refusal(KafkaConnection kafka, ProducerRecord<byte[], byte[]> record) {
    try (var producer = producer(kafka)) {
      return assertThrows(
              ExecutionException.class, () -> producer.send(record).get(30, TimeUnit.SECONDS))
          .getCause();
    }
  }

  /** The committed measurements of {@code target}, as the Flink job's principal reads them. */
  private static List<Measurement> measurementsOf(HardwareTarget target) {
    return TopicRecords.readAll(as(Principal.JOB), Topics.MEASUREMENTS.name()).stream()
        .map(
            r ->
                Convert.fromAvro(
                    Topics.MEASUREMENTS.valueSerde().deserializer().deserialize(null, r.value())))
        .filter(m -> m.target().equals(target))
        .toList();
  }

  @Test
  void aDeviceMayWriteMeasurementsButNeverAFrontier() throws Exception {
    HardwareTarget device = new HardwareTarget("it-device", "fake");
    try (var producer = producer(as(Principal.DEVICE))) {
      producer.send(measurement(device, 1.5)).get(30, TimeUnit.SECONDS);
    }
    assertEquals(1, measurementsOf(device).size());

    ProducerRecord<byte[], byte[]> forged =
        new ProducerRecord<>(
            Topics.FRONTIERS.name(),
            "it-device/fake|DECODE@64".getBytes(StandardCharsets.UTF_8),
            "a frontier of the device's choosing".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "Not authorized to access topics: [hil.frontiers]",
        assertInstanceOf(TopicAuthorizationException.class, refusal(as(Principal.DEVICE), forged))
            .getMessage());
    assertEquals(
        "Not authorized to access topics: [hil.frontiers]",
        assertInstanceOf(TopicAuthorizationException.class, refusal(as(Principal.GATEWAY), forged))
            .getMessage(),
        "nor may a service other than the job");
  }

  @Test
  void aClientWithoutCredentialsCannotEvenFetchMetadataAndAWrongPasswordIsRefused() {
    try (var anonymous = producer(KafkaConnection.to(kafka.bootstrapServers()))) {
      assertEquals(
          "Topic hil.measurements not present in metadata after 5000 ms.",
          assertThrows(
                  TimeoutException.class, () -> anonymous.partitionsFor(Topics.MEASUREMENTS.name()))
              .getMessage());
    }

    KafkaConnection device = as(Principal.DEVICE);
    Map<String, String> guessed = new java.util.HashMap<>(device.properties());
    guessed.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"device\""
            + " password=\"guessed\";");
    assertEquals(
        "Authentication failed during authentication due to invalid credentials with SASL"
            + " mechanism SCRAM-SHA-512",
        assertInstanceOf(
                SaslAuthenticationException.class,
                refusal(
                    new KafkaConnection(device.bootstrapServers(), guessed),
                    measurement(new HardwareTarget("it-guess", "fake"), 1.0)))
            .getMessage());
  }

  @Test
  void anAgentMeasuresWhatTheSearchAsksAndTheGatewayForwardsAPostEachAsItsOwnPrincipal()
      throws Exception {
    HardwareTarget agentTarget = new HardwareTarget("it-secured-agent", "fake");
    CandidateRequest request =
        CandidateRequest.newBuilder()
            .setRequestId("s0-" + C.archId())
            .setCandidate(Convert.toAvro(C))
            .setTargets(List.of(agentTarget.id()))
            .setContexts(List.of(64))
            .setReason("test")
            .setGeneration(0)
            .setRequestedAt(Instant.EPOCH)
            .build();
    try (var search = producer(as(Principal.SEARCH))) {
      search
          .send(
              new ProducerRecord<>(
                  Topics.CANDIDATES.name(),
                  C.archId().getBytes(StandardCharsets.UTF_8),
                  Topics.CANDIDATES.valueSerde().serializer().serialize(null, request)))
          .get(30, TimeUnit.SECONDS);
    }
    Runner runner =
        new Runner() {
          @Override
          public List<Double> time(Candidate c, Objective o, int warmups, int repetitions) {
            return List.of(2.0, 2.0, 2.0);
          }

          @Override
          public String runtime() {
            return "fake";
          }
        };
    // the device's consumer group and transactional id are an agent's, as its ACLs allow
    MeasuringAgent agent =
        new MeasuringAgent(
            as(Principal.DEVICE),
            new Measurer(
                new Measurer.Settings(agentTarget, List.of(), 0, 3, "it-agent", 1, Map.of()),
                Limits.DEFAULTS,
                runner,
                Clock.systemUTC()));
    Thread loop = new Thread(agent::run, "secured-agent");
    loop.start();

    HardwareTarget phone = new HardwareTarget("it-secured-phone", "executorch");
    Devices.Added registered = new Devices(List.of()).add("phone-1", Set.of(phone.id()));
    try (IngestGateway gateway =
        new IngestGateway(
            as(Principal.GATEWAY),
            registered.devices(),
            Limits.DEFAULTS,
            1000,
            Clock.systemUTC())) {
      String line =
          MeasurementJson.toJson(Measurement.of("c", C, phone, Phase.DECODE, 64, 3.0, List.of()));
      assertEquals(1, gateway.ingest(gateway.authenticate(registered.token()), line).accepted());
    }
    assertEquals(List.of(3.0), measurementsOf(phone).stream().map(Measurement::latencyMs).toList());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (measurementsOf(agentTarget).size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    agent.close();
    loop.join(TimeUnit.SECONDS.toMillis(30));
    assertEquals(
        Set.of("PREFILL@64", "DECODE@64"),
        new TreeSet<>(
            measurementsOf(agentTarget).stream().map(m -> m.objective().toString()).toList()));
  }
}
