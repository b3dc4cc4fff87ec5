package dev.hilnas.producers.agent;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.producers.kafka.CandidateWorker;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device agent: consumes {@code hil.candidates} in a consumer group per target (identical devices
 * share the work), times each requested candidate with a {@link Measurer}, and publishes the
 * measurements to {@code hil.measurements} exactly once (a {@link CandidateWorker}) — or, when
 * measuring fails, a dead letter naming its target to {@code hil.dlq}, which the search counts as a
 * failed attempt.
 */
public final class MeasuringAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MeasuringAgent.class);

  private final Measurer measurer;
  private final Measurer.Settings settings;
  private final int maxMeasuredContext;
  private final Set<Objective> warnedLeftOut = new HashSet<>();
  private final CandidateWorker worker;

  /** An agent that times whatever context a request asks for. */
  public MeasuringAgent(KafkaConnection kafka, Measurer measurer) {
    this(kafka, measurer, 0);
  }

  /**
   * @param maxMeasuredContext the longest context this agent times; a request's objectives beyond
   *     it are left out (the latency model predicts them); 0 = none left out
   */
  public MeasuringAgent(KafkaConnection kafka, Measurer measurer, int maxMeasuredContext) {
    this.measurer = measurer;
    this.maxMeasuredContext = maxMeasuredContext;
    this.settings = measurer.settings();
    this.worker =
        new CandidateWorker(
            kafka,
            ConsumerGroups.agents(settings.target().id()),
            settings.agentId(),
            "agent:" + settings.agentId(),
            settings.target().id(),
            this::records);
  }

  /** Consumes and measures until {@link #close()} is called from another thread. */
  public void run() {
    worker.run();
  }

  private List<ProducerRecord<byte[], byte[]>> records(CandidateRequest request) {
    List<Measurement> measured = measure(request);
    if (!measured.isEmpty()) {
      log.info(
          "measured {} on {}: {}",
          measured.get(0).candidate().archId(),
          settings.target().id(),
          measured.stream()
              .map(m -> m.objective() + " " + String.format("%.3f ms", m.latencyMs()))
              .toList());
    }
    var serializer = Topics.MEASUREMENTS.valueSerde().serializer();
    return measured.stream()
        .map(
            m ->
                new ProducerRecord<>(
                    Topics.MEASUREMENTS.name(),
                    m.target().id().getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(null, Convert.toAvro(m))))
        .toList();
  }

  /**
   * The measurements of one request, or none when it is not for this target.
   *
   * @throws IllegalArgumentException when the candidate is beyond the limits, or an objective or a
   *     context is not one (the worker dead-letters the request)
   */
  List<Measurement> measure(CandidateRequest request) {
    List<String> targets = request.getTargets();
    if (!targets.isEmpty() && !targets.contains(settings.target().id())) {
      return List.of();
    }
    Candidate candidate = measurer.limits().check(Convert.fromAvro(request.getCandidate()));
    TimedObjectives objectives =
        TimedObjectives.of(
            request.getObjectives(),
            request.getContexts(),
            settings.objectives(),
            maxMeasuredContext,
            measurer.limits());
    for (Objective o : objectives.leftOut()) {
      if (warnedLeftOut.add(o)) {
        log.warn(
            "not timing {}: longer than this agent measures (--max-measured-context {},"
                + " --max-context {}); the latency model predicts it",
            o,
            maxMeasuredContext,
            measurer.limits().maxContextLength());
      }
    }
    return measurer.measure(candidate, request.getRequestId(), objectives.timed());
  }

  /** Stops {@link #run()} (safe from another thread). */
  @Override
  public void close() {
    worker.close();
  }
}
