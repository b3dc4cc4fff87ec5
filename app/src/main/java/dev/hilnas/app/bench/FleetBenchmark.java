package dev.hilnas.app.bench;

import dev.hilnas.app.stack.HttpFront;
import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.cluster.EmbeddedKafka;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Statistics;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.producers.gateway.IngestApi;
import dev.hilnas.producers.gateway.IngestGateway;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.TopicSetup;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.MeasurementJson;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Many simulated devices reporting batches of measurements for their targets, for a fixed time:
 * over HTTP through the ingest gateway (authenticated, validated, acknowledged; one keep-alive
 * connection per device thread, {@link HttpDevice}), and as Kafka clients producing Avro records
 * with acks=all; next to a raw Kafka baseline in the same run — one producer pushing the same
 * serialized records as fast as it can. Everything on one embedded broker.
 */
public final class FleetBenchmark {

  /**
   * One path's figures: records accepted per second and per-batch latency from send to
   * acknowledgement.
   */
  public record Path(
      String name, long accepted, long refused, double perSecond, double p50Ms, double p99Ms) {}

  private static final Candidate CANDIDATE =
      Candidate.builder()
          .layers(6)
          .dModel(256)
          .heads(8, 2)
          .headDim(32)
          .ffnDim(512)
          .vocabSize(256)
          .attention("GGLGLG")
          .window(64)
          .build();

  private FleetBenchmark() {}

  /** Each repetition's paths, in the same order: HTTP gateway, Kafka devices, raw. */
  public static List<List<Path>> run(
      int devices, int targets, Duration duration, int batch, int concurrency, int repeat)
      throws Exception {
    java.nio.file.Path dir = Files.createTempDirectory("hilnas-bench-fleet-");
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir, 0)) {
      KafkaConnection kafka = KafkaConnection.to(broker.bootstrapServers());
      TopicSetup.ensure(kafka, (short) 1);
      Devices registry = new Devices(List.of());
      List<String> tokens = new ArrayList<>();
      List<HardwareTarget> deviceTargets = new ArrayList<>();
      for (int i = 0; i < devices; i++) {
        HardwareTarget t = new HardwareTarget("fleet-" + (i % targets), "bench");
        Devices.Added added = registry.add("device-" + i, Set.of(t.id()));
        registry = added.devices();
        tokens.add(added.token());
        deviceTargets.add(t);
      }
      List<List<Path>> runs = new ArrayList<>();
      try (IngestGateway gateway =
              new IngestGateway(kafka, registry, Limits.DEFAULTS, 200_000, Clock.systemUTC());
          HttpFront service = new HttpFront("localhost", 0, HttpSettings.DEFAULTS, () -> true)) {
        service.route(new IngestApi(gateway, service.registry())::register).start();
        URI uri = URI.create("http://localhost:" + service.port() + "/api/v1/measurements");
        // the paths take turns, so that drift over the run touches each of them alike
        for (int r = 0; r < repeat; r++) {
          List<Path> out = new ArrayList<>();
          out.add(http(uri, tokens, deviceTargets, duration, batch, concurrency));
          out.add(kafkaDevices(kafka, deviceTargets, duration, batch, concurrency));
          out.add(raw(kafka, deviceTargets, duration, batch));
          runs.add(out);
        }
      }
      return runs;
    } finally {
      IngestBenchmark.deleteQuietly(dir);
    }
  }

  private interface Device {
    /** Sends one batch of measurements; returns how many were accepted, or -1 when refused. */
    long send(int device, SplittableRandom random) throws Exception;
  }

  private static Path http(
      URI uri,
      List<String> tokens,
      List<HardwareTarget> targets,
      Duration duration,
      int batch,
      int concurrency)
      throws Exception {
    List<HttpDevice> connections = Collections.synchronizedList(new ArrayList<>());
    ThreadLocal<HttpDevice> connection =
        ThreadLocal.withInitial(
            () -> {
              HttpDevice c = new HttpDevice(uri);
              connections.add(c);
              return c;
            });
    try {
      return drive(
          "HTTP gateway (" + tokens.size() + " devices)",
          tokens.size(),
          duration,
          concurrency,
          (device, random) -> {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < batch; i++) {
              body.append(MeasurementJson.toJson(measurement(targets.get(device), random)))
                  .append('\n');
            }
            int status =
                connection
                    .get()
                    .post(tokens.get(device), body.toString().getBytes(StandardCharsets.UTF_8));
            return status == 200 ? batch : -1;
          });
    } finally {
      for (HttpDevice c : connections) {
        c.close();
      }
    }
  }

  private static Path kafkaDevices(
      KafkaConnection kafka,
      List<HardwareTarget> targets,
      Duration duration,
      int batch,
      int concurrency)
      throws Exception {
    List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      producers.add(new KafkaProducer<>(ProducerSettings.reliable(kafka, "fleet-" + i)));
    }
    try {
      return drive(
          "Kafka devices (" + targets.size() + " devices, " + concurrency + " producers)",
          targets.size(),
          duration,
          concurrency,
          (device, random) -> {
            KafkaProducer<byte[], byte[]> producer = producers.get(device % concurrency);
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
              Measurement m = measurement(targets.get(device), random);
              acks.add(producer.send(record(m)));
            }
            for (Future<RecordMetadata> f : acks) {
              f.get();
            }
            return batch;
          });
    } finally {
      producers.forEach(KafkaProducer::close);
    }
  }

  /** One producer, records serialized up front, sent as fast as Kafka acknowledges them. */
  private static Path raw(
      KafkaConnection kafka, List<HardwareTarget> targets, Duration duration, int batch)
      throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      records.add(record(measurement(targets.get(i % targets.size()), random)));
    }
    AtomicLong acked = new AtomicLong();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(ProducerSettings.reliable(kafka, "raw"))) {
      long start = System.nanoTime();
      long deadline = start + duration.toNanos();
      int i = 0;
      while (System.nanoTime() < deadline) {
        producer.send(
            records.get(i++ % records.size()),
            (m, e) -> {
              if (e == null) {
                acked.incrementAndGet();
              }
            });
      }
      producer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Path(
          "raw Kafka produce (1 producer, pre-serialized)",
          acked.get(),
          0,
          acked.get() / seconds,
          Double.NaN,
          Double.NaN);
    }
  }

  private static Path drive(
      String name, int devices, Duration duration, int concurrency, Device device)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      int worker = w;
      workers.add(
          pool.submit(
              () -> {
                SplittableRandom random = new SplittableRandom(worker);
                int next = worker;
                while (System.nanoTime() < deadline) {
                  long sent = System.nanoTime();
                  long n = device.send(next % devices, random);
                  latencies.add((System.nanoTime() - sent) / 1e6);
                  if (n < 0) {
                    refused.incrementAndGet();
                  } else {
                    accepted.addAndGet(n);
                  }
                  next += concurrency;
                }
                return null;
              }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    double[] ms = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    return new Path(
        name,
        accepted.get(),
        refused.get(),
        accepted.get() / seconds,
        Statistics.quantile(ms, 0.5),
        Statistics.quantile(ms, 0.99));
  }

  private static Measurement measurement(HardwareTarget target, SplittableRandom random) {
    return Measurement.of(
        "bench", CANDIDATE, target, Phase.DECODE, 256, 1 + random.nextDouble(), List.of());
  }

  private static ProducerRecord<byte[], byte[]> record(Measurement m) {
    return new ProducerRecord<>(
        Topics.MEASUREMENTS.name(),
        m.target().id().getBytes(StandardCharsets.UTF_8),
        Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, Convert.toAvro(m)));
  }
}
