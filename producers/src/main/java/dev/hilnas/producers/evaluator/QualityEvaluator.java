package dev.hilnas.producers.evaluator;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Quality;
import dev.hilnas.llm.quality.PerplexityEvaluator;
import dev.hilnas.llm.quality.Pruning;
import dev.hilnas.producers.kafka.CandidateWorker;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quality evaluator: consumes {@code hil.candidates}, scores each candidate's perplexity as a
 * pruning of the backbone with inherited weights, and publishes a QualityEvaluation to {@code
 * hil.quality} (keyed by arch id) exactly once per request. Quality does not depend on the target,
 * so an architecture requested again is answered from a cache; candidates beyond the limits or that
 * are not prunings of this backbone are skipped with a warning, and a request it fails on goes to
 * {@code hil.dlq}.
 */
public final class QualityEvaluator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QualityEvaluator.class);
  private static final int CACHED = 10_000;

  private final PerplexityEvaluator evaluator;
  private final Limits limits;
  private final Lock device;
  private final CandidateWorker worker;
  private final Map<String, Quality> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Quality> eldest) {
          return size() > CACHED;
        }
      };

  public QualityEvaluator(
      KafkaConnection kafka, String workerId, PerplexityEvaluator evaluator, Limits limits) {
    this(kafka, workerId, evaluator, limits, new ReentrantLock()); // its own: never contended
  }

  /**
   * @param device held while a candidate is evaluated: an agent on the same cores that holds it
   *     while timing ({@code Measurer#withDevice}) then never times beside an evaluation
   */
  public QualityEvaluator(
      KafkaConnection kafka,
      String workerId,
      PerplexityEvaluator evaluator,
      Limits limits,
      Lock device) {
    this.evaluator = evaluator;
    this.limits = limits;
    this.device = device;
    this.worker =
        new CandidateWorker(
            kafka,
            ConsumerGroups.EVALUATOR,
            workerId,
            "evaluator:" + workerId,
            null,
            this::records);
  }

  /** Consumes and evaluates until {@link #close()} is called from another thread. */
  public void run() {
    worker.run();
  }

  private List<ProducerRecord<byte[], byte[]>> records(CandidateRequest request) {
    // beyond the limits: the worker logs why and skips the request
    Candidate candidate = limits.check(Convert.fromAvro(request.getCandidate()));
    String why = Pruning.incompatibility(evaluator.backbone(), candidate);
    if (why != null) {
      log.warn("not evaluating {}: not a pruning of the backbone: {}", candidate.archId(), why);
      return List.of();
    }
    // published again on a repeat (same content id, so downstream replaces it): a cache hit must
    // not lose the evaluation when the first transaction aborted
    Quality quality =
        cache.computeIfAbsent(
            candidate.archId(),
            id -> {
              Quality q = limits.check(evaluate(request.getRequestId(), candidate));
              log.info("evaluated {}: perplexity {}", id, String.format("%.3f", q.value()));
              return q;
            });
    QualityEvaluation value = Convert.toAvro(quality);
    value.setTokens((long) evaluator.tokens());
    value.setEvaluatedAt(Instant.now());
    return List.of(
        new ProducerRecord<>(
            Topics.QUALITY.name(),
            candidate.archId().getBytes(StandardCharsets.UTF_8),
            Topics.QUALITY.valueSerde().serializer().serialize(null, value)));
  }

  private Quality evaluate(String requestId, Candidate candidate) {
    device.lock();
    try {
      return evaluator.quality(requestId, candidate);
    } finally {
      device.unlock();
    }
  }

  @Override
  public void close() {
    worker.close();
  }
}
