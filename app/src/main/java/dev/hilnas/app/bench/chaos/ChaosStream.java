package dev.hilnas.app.bench.chaos;

import dev.hilnas.app.bench.SyntheticMeasurements;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Hashing;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.MeasurementJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The steady mixed stream of {@code bench chaos}: measurements produced to Kafka (idempotent,
 * {@code acks=all}) and posted over HTTP to the query service's device ingest, each for targets of
 * the current phase, so that what the job counts can be told apart per fault. A known share of the
 * Kafka records is bad — half not Avro at all, half a measurement with a negative latency — and
 * must end up in the DLQ, nowhere else. It keeps what was accepted: the ids Kafka acknowledged or
 * the gateway answered 200 for, and the bad records Kafka acknowledged.
 */
final class ChaosStream implements AutoCloseable {

  /** The device posting over HTTP; the gateway scopes its ids with it. */
  static final String DEVICE = "chaos-http";

  /** Candidates with a quality evaluation: a few of the measurements are of them. */
  private final List<Candidate> evaluated;

  private final String run;
  private final KafkaProducer<byte[], byte[]> producer;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI ingest;
  private final String token;
  private final int kafkaRate;
  private final int httpRate;
  private final double badShare;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private volatile int phase;

  /** Accepted measurement id → target id. */
  final Map<String, String> accepted = new ConcurrentHashMap<>();

  /** SHA-256 of each bad record Kafka acknowledged. */
  final Set<String> badAcknowledged = ConcurrentHashMap.newKeySet();

  final AtomicLong kafkaFailed = new AtomicLong();
  final AtomicLong httpRefused = new AtomicLong();
  final AtomicLong httpUnanswered = new AtomicLong();
  final AtomicLong sent = new AtomicLong();

  ChaosStream(
      String run,
      String bootstrap,
      URI query,
      String token,
      int rate,
      double httpShare,
      double badShare,
      List<Candidate> evaluated) {
    this.run = run;
    this.evaluated = List.copyOf(evaluated);
    Properties settings = ProducerSettings.reliable(KafkaConnection.to(bootstrap), "bench-chaos");
    // through a broker's death and the election of new leaders: retried, never given up
    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    this.producer = new KafkaProducer<>(settings);
    this.ingest = query.resolve("api/v1/measurements");
    this.token = token;
    this.httpRate = (int) Math.round(rate * httpShare);
    this.kafkaRate = rate - httpRate;
    this.badShare = badShare;
  }

  static String kafkaTarget(int phase, int i) {
    return new HardwareTarget("chaos-p" + phase + "-kafka-" + i, "java-cpu").id();
  }

  static String httpTarget(int phase) {
    return new HardwareTarget("chaos-p" + phase + "-http", "java-cpu").id();
  }

  /** The id the gateway gives a line of the device (IngestGateway's scoping of ids). */
  static String scopedId(String id) {
    return "m" + Hashing.sha256Hex(DEVICE + "|" + id, 24);
  }

  void phase(int phase) {
    this.phase = phase;
  }

  void start() {
    threads.add(new Thread(this::produce, "chaos-kafka"));
    threads.add(new Thread(this::post, "chaos-http"));
    threads.forEach(Thread::start);
  }

  /** Every 10 ms a hundredth of the Kafka rate. */
  private void produce() {
    SplittableRandom random = new SplittableRandom(1);
    long seq = 0;
    long next = System.nanoTime();
    while (running.get()) {
      for (int i = 0; i < Math.max(1, kafkaRate / 100); i++) {
        int p = phase;
        String target = kafkaTarget(p, random.nextInt(2));
        Measurement m = measurement("k" + (seq++), target, random);
        byte[] key = target.getBytes(StandardCharsets.UTF_8);
        if (random.nextDouble() < badShare) {
          byte[] bad = bad(m, random);
          String hash = sha256(bad);
          producer.send(
              new ProducerRecord<>(Topics.MEASUREMENTS.name(), key, bad),
              (md, e) -> {
                if (e == null) {
                  badAcknowledged.add(hash);
                } else {
                  kafkaFailed.incrementAndGet();
                }
              });
        } else {
          producer.send(
              new ProducerRecord<>(
                  Topics.MEASUREMENTS.name(),
                  key,
                  Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, Convert.toAvro(m))),
              (md, e) -> {
                if (e == null) {
                  accepted.put(m.id(), target);
                } else {
                  kafkaFailed.incrementAndGet();
                }
              });
        }
        sent.incrementAndGet();
      }
      next += 10_000_000L;
      pause(next);
    }
  }

  /**
   * Batches of 50 lines, as many a second as the HTTP rate needs; a batch that gets no 200 is
   * posted again, the same lines with the same ids, until it does (the gateway and the job drop
   * what they already have).
   */
  private void post() {
    SplittableRandom random = new SplittableRandom(2);
    int batch = 50;
    long interval = httpRate == 0 ? Long.MAX_VALUE : 1_000_000_000L * batch / httpRate;
    long seq = 0;
    long next = System.nanoTime();
    while (running.get() && httpRate > 0) {
      String target = httpTarget(phase);
      List<String> ids = new ArrayList<>();
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < batch; i++) {
        Measurement m = measurement("h" + (seq++), target, random);
        ids.add(scopedId(m.id()));
        body.append(MeasurementJson.toJson(m)).append('\n');
      }
      boolean done = false;
      while (!done && running.get()) {
        try {
          HttpResponse<Void> response =
              http.send(
                  HttpRequest.newBuilder(ingest)
                      .timeout(Duration.ofSeconds(40))
                      .header("Authorization", "Bearer " + token)
                      .header("Content-Type", "application/x-ndjson")
                      .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          done = response.statusCode() == 200;
          if (!done) {
            httpRefused.incrementAndGet();
          }
        } catch (Exception e) {
          httpUnanswered.incrementAndGet(); // the query service is down: try again
        }
        if (!done) {
          sleep(250);
        }
      }
      if (done) {
        ids.forEach(id -> accepted.put(id, target));
        sent.addAndGet(batch);
      }
      next += interval;
      pause(next);
    }
  }

  private Measurement measurement(String seq, String target, SplittableRandom random) {
    // one in fifty of an evaluated candidate, so that frontiers have measured points, and each
    // (candidate, objective) of them rarely has more repeats than a frontier keeps
    Candidate c =
        random.nextInt(50) == 0
            ? evaluated.get(random.nextInt(evaluated.size()))
            : SyntheticMeasurements.candidate(random);
    double latency = 0.5 + 100 * random.nextDouble();
    return new Measurement(
        "chaos-" + run + "-" + seq,
        null,
        c,
        dev.hilnas.core.HardwareTarget.parse(target),
        random.nextBoolean() ? Phase.PREFILL : Phase.DECODE,
        new int[] {512, 2048, 8192}[random.nextInt(3)],
        latency,
        List.of(latency * 0.98, latency, latency * 1.03),
        "chaos",
        null,
        null,
        null);
  }

  /** Not Avro at all, or a measurement whose latency is negative: both for the DLQ. */
  private static byte[] bad(Measurement m, SplittableRandom random) {
    if (random.nextBoolean()) {
      byte[] junk = new byte[16 + random.nextInt(48)];
      for (int i = 0; i < junk.length; i++) {
        junk[i] = (byte) random.nextInt(256);
      }
      junk[0] = (byte) 0xff; // never a valid first byte of the record's first string
      return junk;
    }
    LatencyMeasurement wire = Convert.toAvro(m);
    wire.setLatencyMs(-1.0);
    return Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, wire);
  }

  static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void pause(long until) {
    long wait = until - System.nanoTime();
    if (wait > 0) {
      sleep(wait / 1_000_000L);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops sending and waits for every answer. */
  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join();
    }
    producer.flush();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    producer.close();
  }
}
