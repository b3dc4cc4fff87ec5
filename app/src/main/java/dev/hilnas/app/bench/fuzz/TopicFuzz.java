package dev.hilnas.app.bench.fuzz;

import dev.hilnas.app.bench.SyntheticMeasurements;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Quality;
import dev.hilnas.producers.agent.TimedObjectives;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.HostileJson;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.schemas.json.MeasurementJson;
import dev.hilnas.schemas.json.QualityJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Raw bytes on the input topics, from a plain producer that skips every check: random bytes, valid
 * records cut short or with bytes flipped, records with a field no validation would let through,
 * JSON where Avro belongs, and valid records. The job's verdict on each record of hil.measurements
 * and hil.quality is read back from hil.dlq by partition and offset (all of a path's records go to
 * one partition, so a last undecodable record's letter says the job has judged the rest). Nothing
 * in {@code serve} reads hil.candidates, so its records are judged here as agents decode them.
 */
final class TopicFuzz {
  /** Kinds of hostile record, drawn alike. */
  private static final int KINDS = 5;

  private final FuzzRun run;
  private final DeadLetterWatch letters;

  TopicFuzz(FuzzRun run, DeadLetterWatch letters) {
    this.run = run;
    this.letters = letters;
  }

  Tally measurements(Random r) throws Exception {
    Tally tally = new Tally("topic-measurements");
    HardwareTarget target = run.target("topic-measurements");
    var serde = Topics.MEASUREMENTS.valueSerde().serializer();
    LatencyMeasurement template =
        Convert.toAvro(
            MeasurementJson.parse(
                FuzzRun.retarget(HostileJson.MEASUREMENTS.get(1), run.hostileTarget()).toString(),
                Limits.DEFAULTS));
    byte[] encoded = serde.serialize(null, template);
    List<Measurement> valid =
        Tracers.measurements(target, run.id() + "-topic", run.cases() / 10 + 1, r.nextLong());
    long before = run.stack().measurements(target.id());
    long expected =
        send(
            Topics.MEASUREMENTS.name(),
            target.id(),
            tally,
            i -> serde.serialize(null, Convert.toAvro(valid.get(i))),
            i ->
                switch (r.nextInt(KINDS)) {
                  case 0 -> HostileJson.randomBytes(400, r);
                  case 1 -> damaged(encoded, r);
                  case 2 -> serde.serialize(null, unvalidated(template, r));
                  case 3 -> HostileJson.bytes(HostileJson.MEASUREMENTS, r);
                  default -> {
                    LatencyMeasurement m = LatencyMeasurement.newBuilder(template).build();
                    m.setMeasurementId(run.id() + "-" + i);
                    yield serde.serialize(null, m);
                  }
                });
    tally.counts(expected, run.awaitCount(target, expected, before));
    return tally;
  }

  Tally quality(Random r) throws Exception {
    Tally tally = new Tally("topic-quality");
    var serde = Topics.QUALITY.valueSerde().serializer();
    QualityEvaluation template =
        Convert.toAvro(QualityJson.parse(HostileJson.QUALITY.get(0), Limits.DEFAULTS));
    byte[] encoded = serde.serialize(null, template);
    SplittableRandom candidates = new SplittableRandom(r.nextLong());
    send(
        Topics.QUALITY.name(),
        run.id(),
        tally,
        i ->
            serde.serialize(
                null,
                Convert.toAvro(
                    new Quality(
                        run.id() + "-quality-" + i,
                        SyntheticMeasurements.candidate(candidates),
                        Quality.PERPLEXITY,
                        10 + 90 * candidates.nextDouble(),
                        "bench-fuzz",
                        run.id()))),
        i ->
            switch (r.nextInt(KINDS)) {
              case 0 -> HostileJson.randomBytes(400, r);
              case 1 -> damaged(encoded, r);
              case 2 -> serde.serialize(null, unvalidated(template, r));
              case 3 -> HostileJson.bytes(HostileJson.QUALITY, r);
              default -> encoded;
            });
    return tally;
  }

  /**
   * Records for agents and the evaluator, naming the run's own target so that no agent of a real
   * one measures them; judged as they decode a request.
   */
  Tally candidates(Random r) throws Exception {
    Tally tally = new Tally("topic-candidates");
    var serde = Topics.CANDIDATES.valueSerde().serializer();
    String target = run.target("topic-candidates").id();
    CandidateRequest template =
        request(
            "s1-" + run.id(),
            CandidateJson.fromTree(Json.readTree(HostileJson.CANDIDATES.get(1)), Limits.DEFAULTS),
            target);
    byte[] encoded = serde.serialize(null, template);
    SplittableRandom candidates = new SplittableRandom(r.nextLong());
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < run.cases(); i++) {
        byte[] value;
        boolean isValid = i % 10 == 0;
        if (isValid) {
          tally.validSent();
          value =
              serde.serialize(
                  null,
                  request(run.id() + "-" + i, SyntheticMeasurements.candidate(candidates), target));
        } else {
          tally.sent();
          value =
              switch (r.nextInt(KINDS)) {
                case 0 -> HostileJson.randomBytes(400, r);
                case 1 -> damaged(encoded, r);
                case 2 -> serde.serialize(null, unvalidated(template, r));
                case 3 -> HostileJson.bytes(HostileJson.CANDIDATES, r);
                default -> encoded;
              };
        }
        producer.send(
            new ProducerRecord<>(
                Topics.CANDIDATES.name(), target.getBytes(StandardCharsets.UTF_8), value));
        if (judgeAsAgent(value, tally) && isValid) {
          tally.validAccepted();
        }
      }
      producer.flush();
    }
    return tally;
  }

  /**
   * Sends the cases, every tenth valid, and a last undecodable record; waits for the job's letter
   * on that one and judges every record by whether it got a letter. When the job stalls before the
   * last, records past the last letter have no verdict: neither accepted nor rejected.
   *
   * @return the valid cases the job accepted
   */
  private long send(
      String topic, String key, Tally tally, IntFunction<byte[]> valid, IntFunction<byte[]> hostile)
      throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    RecordMetadata last;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < run.cases(); i++) {
        byte[] value = i % 10 == 0 ? valid.apply(i / 10) : hostile.apply(i);
        sent.add(producer.send(new ProducerRecord<>(topic, keyBytes, value)));
      }
      byte[] end = ("end of " + run.id()).getBytes(StandardCharsets.UTF_8);
      last = producer.send(new ProducerRecord<>(topic, keyBytes, end)).get();
    }
    Predicate<DeadLetter> ours =
        l ->
            topic.equals(l.getSourceTopic())
                && Integer.valueOf(last.partition()).equals(l.getPartition());
    if (!letters.awaitLetter(
        ours,
        l -> ours.test(l) && Long.valueOf(last.offset()).equals(l.getOffset()),
        FuzzRun.IDLE,
        FuzzRun.SETTLE)) {
      tally.serverError(
          "no verdict from the job for "
              + FuzzRun.IDLE
              + " before it judged the path's last record");
    }
    Map<Long, String> reasons = new HashMap<>();
    long judgedUpTo =
        -1; // the job reads the partition in order: a letter vouches for what precedes
    for (DeadLetter l : letters.drain()) {
      if (ours.test(l)) {
        reasons.putIfAbsent(l.getOffset(), l.getReason());
        judgedUpTo = Math.max(judgedUpTo, l.getOffset());
      }
    }
    long validAccepted = 0;
    for (int i = 0; i < sent.size(); i++) {
      long offset = sent.get(i).get().offset();
      String reason = reasons.get(offset);
      if (i % 10 == 0) {
        tally.validSent();
      } else {
        tally.sent();
      }
      if (reason != null) {
        tally.rejected(reason);
      } else if (offset > judgedUpTo) {
        tally.reason("no verdict from the job yet");
      } else {
        tally.accepted();
        if (i % 10 == 0) {
          tally.validAccepted();
          validAccepted++;
        }
      }
    }
    return validAccepted;
  }

  /** Whether an agent would measure the request (when for its target); else counts why not. */
  private static boolean judgeAsAgent(byte[] value, Tally tally) {
    try {
      CandidateRequest request =
          Topics.CANDIDATES
              .valueSerde()
              .deserializer()
              .deserialize(Topics.CANDIDATES.name(), value);
      Limits.DEFAULTS.check(Convert.fromAvro(request.getCandidate()));
      TimedObjectives.of(
          request.getObjectives(), request.getContexts(), List.of(), 0, Limits.DEFAULTS);
      tally.accepted();
      return true;
    } catch (RuntimeException | OutOfMemoryError e) {
      // the agent's worker dead-letters the request with this reason and goes on
      String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
      tally.rejected(e instanceof OutOfMemoryError ? "out of memory: " + reason : reason);
    } catch (Error e) {
      tally.serverError(e.getClass().getName() + ": " + e.getMessage()); // kills the worker
    }
    return false;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        ProducerSettings.reliable(KafkaConnection.to(run.bootstrap()), "hilnas-bench-fuzz"));
  }

  private static CandidateRequest request(
      String id, dev.hilnas.core.Candidate candidate, String target) {
    return CandidateRequest.newBuilder()
        .setRequestId(id)
        .setCandidate(Convert.toAvro(candidate))
        .setTargets(List.of(target))
        .setReason("bench fuzz")
        .setGeneration(1)
        .setRequestedAt(Instant.now())
        .build();
  }

  /** A valid encoding cut short, or with a few bytes flipped past its header. */
  private static byte[] damaged(byte[] encoded, Random r) {
    if (r.nextBoolean()) {
      return Arrays.copyOf(encoded, r.nextInt(encoded.length));
    }
    byte[] out = encoded.clone();
    for (int i = 0; i < 1 + r.nextInt(4); i++) {
      out[10 + r.nextInt(out.length - 10)] = (byte) r.nextInt(256);
    }
    return out;
  }

  private static final double[] NUMBERS = {
    1e308, -1, 0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 4.9e-324
  };
  private static final int[] COUNTS = {0, -1, Integer.MAX_VALUE, 2_000_000, 65_537};

  /** The record with one field set to what a producer that skipped validation may write. */
  private static LatencyMeasurement unvalidated(LatencyMeasurement valid, Random r) {
    LatencyMeasurement m = LatencyMeasurement.newBuilder(valid).build();
    switch (r.nextInt(7)) {
      case 0 -> m.setLatencyMs(NUMBERS[r.nextInt(NUMBERS.length)]);
      case 1 -> m.setContextLength(COUNTS[r.nextInt(COUNTS.length)]);
      case 2 -> m.getCandidate().setDModel(COUNTS[r.nextInt(COUNTS.length)]);
      case 3 -> m.getCandidate().setVocabSize(COUNTS[r.nextInt(COUNTS.length)]);
      case 4 -> m.setMeasurementId("x".repeat(r.nextInt(100_000)));
      case 5 -> m.setSamplesMs(List.of(NUMBERS[r.nextInt(NUMBERS.length)]));
      default -> m.getCandidate().setLayers(List.of());
    }
    return m;
  }

  private static QualityEvaluation unvalidated(QualityEvaluation valid, Random r) {
    QualityEvaluation q = QualityEvaluation.newBuilder(valid).build();
    switch (r.nextInt(4)) {
      case 0 -> q.setValue(NUMBERS[r.nextInt(NUMBERS.length)]);
      case 1 -> q.setMetric("x".repeat(r.nextInt(1000)));
      case 2 -> q.getCandidate().setWindow(COUNTS[r.nextInt(COUNTS.length)]);
      default -> q.getCandidate().setHeadDim(r.nextInt(3) - 1);
    }
    return q;
  }

  private static CandidateRequest unvalidated(CandidateRequest valid, Random r) {
    CandidateRequest c = CandidateRequest.newBuilder(valid).build();
    switch (r.nextInt(5)) {
      case 0 -> c.getCandidate().setDModel(COUNTS[r.nextInt(COUNTS.length)]);
      case 1 -> c.setContexts(List.of(COUNTS[r.nextInt(COUNTS.length)]));
      case 2 -> c.getCandidate().setWindow(COUNTS[r.nextInt(COUNTS.length)]);
      case 3 ->
          c.setObjectives(
              List.of(
                  r.nextBoolean()
                      ? "PREFILL@" + COUNTS[r.nextInt(COUNTS.length)]
                      : "x".repeat(r.nextInt(1000))));
      default -> c.getCandidate().setLayers(List.of());
    }
    return c;
  }
}
