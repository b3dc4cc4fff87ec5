package dev.hilnas.producers.search;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.search.Proposal;
import dev.hilnas.core.search.SearchBook;
import dev.hilnas.core.search.SearchLoop;
import dev.hilnas.core.search.SearchSpace;
import dev.hilnas.core.search.SearchStrategy;
import dev.hilnas.producers.kafka.ConsumerSettings;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search producer: the Kafka side of the {@link SearchLoop}. It feeds the loop what it
 * requested before (hil.candidates, read back on start, so a restart neither re-requests a pending
 * candidate nor forgets one), then the latency models, frontiers and agents' failed attempts as
 * they come (hil.latency-models, hil.frontiers, and the dead letters in hil.dlq that name a
 * target), and every {@code interval} publishes what a step proposes to hil.candidates, each
 * request naming the objectives to time ({@link SearchLoop#objectives}). Safe to {@link #close} and
 * read {@link #status} from another thread.
 */
public final class SearchProducer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SearchProducer.class);

  /**
   * @param strategy one of {@link SearchStrategy#NAMES}
   * @param loop the targets' capacity, the pending timeout, budgets and objectives to learn
   * @param interval between steps
   * @param seed the search's randomness
   */
  public record Settings(
      SearchSpace space, String strategy, SearchLoop.Settings loop, Duration interval, long seed) {}

  private final KafkaConnection kafka;
  private final Settings settings;
  private final SearchLoop loop;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private volatile String status = "starting";
  private volatile SearchLoop.Progress progress = new SearchLoop.Progress(0, 0, 0, 0);
  private int generation;

  public SearchProducer(KafkaConnection kafka, Settings settings, Clock clock) {
    this.kafka = kafka;
    this.settings = settings;
    this.loop =
        new SearchLoop(
            SearchStrategy.named(settings.strategy(), settings.space()),
            settings.loop(),
            settings.seed());
    this.clock = clock;
  }

  /** A one-line summary for progress output: the loop's, as of its last step. */
  public String status() {
    return status;
  }

  /** The loop's counts as of its last step. */
  public SearchLoop.Progress progress() {
    return progress;
  }

  /** Restores what was requested, then follows models and frontiers and proposes until closed. */
  public void run() {
    try (KafkaConsumer<byte[], byte[]> follower =
            new KafkaConsumer<>(ConsumerSettings.committedBytes(kafka));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(ProducerSettings.reliable(kafka, "hilnas-search"))) {
      restoreRequests(follower);
      List<TopicPartition> followed = partitions(follower, Topics.LATENCY_MODELS.name());
      followed.addAll(partitions(follower, Topics.FRONTIERS.name()));
      followed.addAll(partitions(follower, Topics.DLQ.name()));
      follower.assign(followed);
      follower.seekToBeginning(followed);
      long next = 0;
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> r : follower.poll(Duration.ofMillis(200))) {
          follow(r);
        }
        long now = clock.millis();
        if (now >= next) {
          publish(producer, loop.step(now), now);
          status = loop.status();
          progress = loop.progress();
          next = now + settings.interval().toMillis();
        }
      }
    }
  }

  private void restoreRequests(KafkaConsumer<byte[], byte[]> consumer) {
    List<TopicPartition> parts = partitions(consumer, Topics.CANDIDATES.name());
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    var serde = Topics.CANDIDATES.valueSerde().deserializer();
    while (running.get() && parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        try {
          CandidateRequest request = serde.deserialize(r.topic(), r.value());
          loop.requested(
              Convert.fromAvro(request.getCandidate()),
              request.getTargets(),
              request.getRequestedAt().toEpochMilli());
          generation = Math.max(generation, request.getGeneration() + 1);
        } catch (RuntimeException e) {
          log.warn(
              "unreadable candidate request at {}-{}@{}: {}",
              r.topic(),
              r.partition(),
              r.offset(),
              e.getMessage());
        }
      }
    }
    log.info(
        "search restored {} requested candidates (generation {})",
        loop.requestedCount(),
        generation);
  }

  private void follow(ConsumerRecord<byte[], byte[]> r) {
    try {
      if (r.topic().equals(Topics.LATENCY_MODELS.name())) {
        LatencyModelSnapshot s =
            Topics.LATENCY_MODELS.valueSerde().deserializer().deserialize(r.topic(), r.value());
        ModelSnapshots.model(s).ifPresent(m -> loop.model(s.getTargetId(), m));
      } else if (r.topic().equals(Topics.DLQ.name())) {
        failed(Topics.DLQ.valueSerde().deserializer().deserialize(r.topic(), r.value()));
      } else {
        FrontierUpdate u =
            Topics.FRONTIERS.valueSerde().deserializer().deserialize(r.topic(), r.value());
        List<SearchBook.Point> points = new ArrayList<>();
        for (var list : List.of(u.getPoints(), u.getOthers())) {
          for (var p : list) {
            LatencySource source = LatencySource.valueOf(p.getLatencySource().name());
            points.add(
                p.getRepeats() == null // written before repeats were counted: once, or predicted
                    ? new SearchBook.Point(
                        Convert.fromAvro(p.getCandidate()),
                        p.getLatencyMs(),
                        source,
                        p.getQuality())
                    : new SearchBook.Point(
                        Convert.fromAvro(p.getCandidate()),
                        p.getLatencyMs(),
                        source,
                        p.getQuality(),
                        p.getRepeats()));
          }
        }
        loop.frontier(
            u.getTargetId(),
            Objective.parse(u.getObjective()),
            points,
            new ReferencePoint(u.getReferenceLatencyMs(), u.getReferenceQuality()),
            u.getUpdatedAt().toEpochMilli());
      }
    } catch (RuntimeException e) { // a record the search cannot use must not stop it
      log.warn("ignored {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
  }

  /**
   * A dead letter of a candidate request that names a target is an agent's failed attempt to
   * measure it there; the others (invalid imports, measurements, quality) are not the search's.
   */
  private void failed(DeadLetter letter) {
    if (letter.getTargetId() == null || !letter.getSourceTopic().equals(Topics.CANDIDATES.name())) {
      return;
    }
    ByteBuffer value = letter.getValue().duplicate();
    byte[] bytes = new byte[value.remaining()];
    value.get(bytes);
    CandidateRequest request =
        Topics.CANDIDATES.valueSerde().deserializer().deserialize(letter.getSourceTopic(), bytes);
    loop.failed(Convert.fromAvro(request.getCandidate()), letter.getTargetId(), letter.getReason());
  }

  /** One generation: the step's proposals, each a request of its own. */
  private void publish(KafkaProducer<byte[], byte[]> producer, List<Proposal> proposals, long now) {
    for (Proposal p : proposals) {
      Candidate c = p.candidate();
      List<String> objectives =
          loop.objectives(p.targetId()).stream().map(Objective::toString).toList();
      CandidateRequest request =
          CandidateRequest.newBuilder()
              .setRequestId("s" + generation + "-" + c.archId())
              .setCandidate(Convert.toAvro(c))
              .setTargets(List.of(p.targetId()))
              .setObjectives(objectives)
              .setReason(p.reason())
              .setGeneration(generation)
              .setRequestedAt(Instant.ofEpochMilli(now))
              .build();
      producer.send(
          new ProducerRecord<>(
              Topics.CANDIDATES.name(),
              c.archId().getBytes(StandardCharsets.UTF_8),
              Topics.CANDIDATES.valueSerde().serializer().serialize(null, request)));
      log.info("requested {} for {} at {}: {}", c.archId(), p.targetId(), objectives, p.reason());
    }
    if (!proposals.isEmpty()) {
      producer.flush();
      generation++;
    }
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> out = new ArrayList<>();
    consumer.partitionsFor(topic).forEach(i -> out.add(new TopicPartition(topic, i.partition())));
    return out;
  }

  /** Stops {@link #run()} (safe from another thread). */
  @Override
  public void close() {
    running.set(false);
  }
}
