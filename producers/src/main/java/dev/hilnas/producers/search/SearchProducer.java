package dev.hilnas.producers.search;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.search.Proposer;
import dev.hilnas.core.search.QualityPredictor;
import dev.hilnas.core.search.SearchBook;
import dev.hilnas.core.search.SearchSpace;
import dev.hilnas.producers.kafka.ConsumerSettings;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.CandidateRequest;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search producer: follows hil.latency-models and hil.frontiers, and whenever a target has
 * free measurement capacity publishes the {@link Proposer}'s picks to hil.candidates. Its memory
 * of what it requested is hil.candidates itself, read back on start, so a restart neither
 * re-requests a pending candidate nor forgets one.
 */
public final class SearchProducer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SearchProducer.class);

  /**
   * @param capacity agents per target id; targets seen only in Kafka get {@code defaultCapacity}
   * @param inFlightPerAgent requests kept pending per agent, so agents never wait on the search
   * @param pendingTimeout after this a request that was never measured no longer counts as pending
   * @param budgetsMs latency budgets per target id and objective: candidates predicted over are never proposed
   * @param objectives whose latency to learn on a target without frontiers (latency-only search)
   */
  public record Settings(
      SearchSpace space, Map<String, Integer> capacity, int defaultCapacity, int inFlightPerAgent,
      Duration interval, Duration pendingTimeout, Map<String, Map<Objective, Double>> budgetsMs,
      List<Objective> objectives, long seed) {}

  private final String bootstrap;
  private final Settings settings;
  private final Proposer proposer;
  private final SearchBook book = new SearchBook();
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private volatile String status = "starting";
  private int generation;
  private List<QualityPredictor.Evaluated> fittedOn;
  private QualityPredictor quality;

  public SearchProducer(String bootstrap, Settings settings, Clock clock) {
    this.bootstrap = bootstrap;
    this.settings = settings;
    this.proposer = new Proposer(settings.space());
    this.clock = clock;
  }

  /** A one-line summary for progress output. */
  public String status() {
    return status;
  }

  /** Restores what was requested, then follows models and frontiers and proposes until closed. */
  public void run() {
    SplittableRandom random = new SplittableRandom(settings.seed());
    try (KafkaConsumer<byte[], byte[]> follower = new KafkaConsumer<>(ConsumerSettings.committedBytes(bootstrap));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(ProducerSettings.reliable(bootstrap, "hilnas-search"))) {
      restoreRequests(follower);
      List<TopicPartition> followed = partitions(follower, Topics.LATENCY_MODELS.name());
      followed.addAll(partitions(follower, Topics.FRONTIERS.name()));
      follower.assign(followed);
      follower.seekToBeginning(followed);
      long next = 0;
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> r : follower.poll(Duration.ofMillis(200))) {
          follow(r);
        }
        long now = clock.millis();
        if (now >= next) {
          propose(producer, random, now);
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
          book.requested(Convert.fromAvro(request.getCandidate()), request.getTargets(), request.getRequestedAt().toEpochMilli());
          generation = Math.max(generation, request.getGeneration() + 1);
        } catch (RuntimeException e) {
          log.warn("unreadable candidate request at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
      }
    }
    log.info("search restored {} requested candidates (generation {})", book.requestedCount(), generation);
  }

  private void follow(ConsumerRecord<byte[], byte[]> r) {
    try {
      if (r.topic().equals(Topics.LATENCY_MODELS.name())) {
        LatencyModelSnapshot s = Topics.LATENCY_MODELS.valueSerde().deserializer().deserialize(r.topic(), r.value());
        ModelSnapshots.model(s).ifPresent(m -> book.model(s.getTargetId(), m));
      } else {
        FrontierUpdate u = Topics.FRONTIERS.valueSerde().deserializer().deserialize(r.topic(), r.value());
        List<SearchBook.Point> points = new ArrayList<>();
        for (var list : List.of(u.getPoints(), u.getOthers())) {
          for (var p : list) {
            points.add(new SearchBook.Point(Convert.fromAvro(p.getCandidate()), p.getLatencyMs(),
                LatencySource.valueOf(p.getLatencySource().name()), p.getQuality()));
          }
        }
        book.frontier(u.getTargetId(), Objective.parse(u.getObjective()), points,
            new ReferencePoint(u.getReferenceLatencyMs(), u.getReferenceQuality()));
      }
    } catch (RuntimeException e) { // a record the search cannot use must not stop it
      log.warn("ignored {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
  }

  private void propose(KafkaProducer<byte[], byte[]> producer, SplittableRandom random, long now) {
    Set<String> targets = new HashSet<>(book.targets());
    targets.addAll(settings.capacity().keySet());
    StringBuilder line = new StringBuilder();
    int published = 0;
    for (String target : targets.stream().sorted().toList()) {
      int agents = settings.capacity().getOrDefault(target, settings.defaultCapacity());
      int pending = book.pending(target, now, settings.pendingTimeout().toMillis());
      int free = agents * settings.inFlightPerAgent() - pending;
      Proposer.Target view = book.view(target, settings.objectives(), settings.budgetsMs().getOrDefault(target, Map.of()));
      if (free > 0) {
        for (Proposer.Proposal p : proposer.propose(view, quality(), book.excluded(target), free, random)) {
          publish(producer, p, now);
          published++;
        }
      }
      view.frontiers().forEach((o, f) -> line.append(String.format(" %s %s: %d on frontier, hypervolume %.4g;",
          target, o, f.frontier().points().size(), f.frontier().hypervolume(f.reference()))));
    }
    if (published > 0) {
      producer.flush();
      generation++;
    }
    status = String.format("requested %d candidates, %d evaluated;%s", book.requestedCount(), book.evaluated().size(), line);
  }

  /** The quality predictor, refitted only when the evaluations changed (a fit is cubic in them). */
  private QualityPredictor quality() {
    List<QualityPredictor.Evaluated> evaluated = book.evaluated();
    if (!evaluated.equals(fittedOn)) {
      quality = QualityPredictor.fit(settings.space().backbone(), evaluated);
      fittedOn = evaluated;
    }
    return quality;
  }

  private void publish(KafkaProducer<byte[], byte[]> producer, Proposer.Proposal p, long now) {
    Candidate c = p.candidate();
    CandidateRequest request = CandidateRequest.newBuilder()
        .setRequestId("s" + generation + "-" + c.archId())
        .setCandidate(Convert.toAvro(c))
        .setTargets(List.of(p.targetId()))
        .setReason(p.reason())
        .setGeneration(generation)
        .setRequestedAt(Instant.ofEpochMilli(now))
        .build();
    producer.send(new ProducerRecord<>(Topics.CANDIDATES.name(), c.archId().getBytes(StandardCharsets.UTF_8),
        Topics.CANDIDATES.valueSerde().serializer().serialize(null, request)));
    book.requested(c, List.of(p.targetId()), now);
    log.info("requested {} for {}: {}", c.archId(), p.targetId(), p.reason());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
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
