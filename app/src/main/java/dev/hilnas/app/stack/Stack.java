package dev.hilnas.app.stack;

import dev.hilnas.cluster.EmbeddedKafka;
import dev.hilnas.core.Limits;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.producers.gateway.IngestApi;
import dev.hilnas.producers.gateway.IngestGateway;
import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.TopicSetup;
import dev.hilnas.sinks.QueryService;
import dev.hilnas.sinks.state.FrontierFeed;
import dev.hilnas.sinks.state.MaterializedState;
import dev.hilnas.streams.EmbeddedJob;
import dev.hilnas.streams.JobSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code serve} runs in one JVM: a Kafka broker (embedded, or an existing cluster), the
 * hil.* topics, the Flink measurement job on a MiniCluster, the Kafka Streams materialiser and the
 * query service. Closing it stops them in reverse order; Flink checkpoints are kept for the next
 * start.
 */
public final class Stack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Stack.class);

  /** Device ingest answers 429 beyond this many records awaiting Kafka's acknowledgement. */
  static final long MAX_UNACKNOWLEDGED = 100_000;

  /**
   * @param dataDir broker logs and Flink checkpoints live here
   * @param kafka an existing Kafka cluster, which every part of the stack connects to with its
   *     settings, or null to run the embedded broker
   * @param kafkaPort the embedded broker's client port (0 = any free port)
   * @param httpPort the query service port (0 = any free port, -1 = no query service)
   * @param http the HTTP server's limits and TLS
   * @param objectives the frontiers kept per target, {@code PHASE@tokens}
   * @param devices devices allowed to post to {@code /api/v1/measurements}, or null for no ingest
   *     endpoint
   * @param runJob whether to run the Flink job here (false when a Flink cluster runs the job jar)
   * @param limits what the job, device ingest and the prediction API accept
   */
  public record Options(
      Path dataDir,
      KafkaConnection kafka,
      int kafkaPort,
      int httpPort,
      HttpSettings http,
      int parallelism,
      Duration checkpointInterval,
      Duration publishInterval,
      List<String> objectives,
      Devices devices,
      boolean runJob,
      Limits limits) {}

  private final EmbeddedKafka kafka;
  private final String bootstrapServers;
  private final JobClient job;
  private final MaterializedState state;
  private final FrontierFeed feed;
  private final HttpFront http;
  private final IngestGateway gateway;

  private Stack(
      EmbeddedKafka kafka,
      String bootstrapServers,
      JobClient job,
      MaterializedState state,
      FrontierFeed feed,
      HttpFront http,
      IngestGateway gateway) {
    this.kafka = kafka;
    this.bootstrapServers = bootstrapServers;
    this.job = job;
    this.state = state;
    this.feed = feed;
    this.http = http;
    this.gateway = gateway;
  }

  public static Stack start(Options o) throws Exception {
    EmbeddedKafka kafka = null;
    KafkaConnection connection = o.kafka();
    if (connection == null) {
      kafka = EmbeddedKafka.start(o.dataDir(), o.kafkaPort());
      connection = KafkaConnection.to(kafka.bootstrapServers());
      log.info("Kafka broker up at {} (data in {})", kafka.bootstrapServers(), o.dataDir());
    }
    var created = TopicSetup.ensure(connection, (short) 1);
    if (!created.isEmpty()) {
      log.info("created topics {}", created);
    }
    JobSettings settings =
        new JobSettings(
            connection,
            ConsumerGroups.JOB,
            ConsumerGroups.JOB,
            o.checkpointInterval(),
            o.publishInterval(),
            o.objectives(),
            o.limits());
    Path checkpoints = o.dataDir().resolve("flink-checkpoints");
    JobClient job = null;
    if (o.runJob()) {
      EmbeddedJob.latestCheckpoint(checkpoints)
          .ifPresent(c -> log.info("resuming Flink job from {}", c));
      job = EmbeddedJob.start(settings, checkpoints, o.parallelism());
      log.info("Flink job {} submitted", job.getJobID());
    }
    HttpFront http = null;
    MaterializedState state = null;
    FrontierFeed feed = null;
    IngestGateway gateway = null;
    if (o.httpPort() >= 0) {
      if (o.devices() != null) {
        gateway =
            new IngestGateway(
                connection,
                o.devices(),
                o.limits(),
                MAX_UNACKNOWLEDGED,
                java.time.Clock.systemUTC());
      }
      // the front reports the state's health, and the state counts what it skips in its registry
      JobClient j = job;
      AtomicReference<MaterializedState> served = new AtomicReference<>();
      http =
          new HttpFront(
              "localhost",
              o.httpPort(),
              o.http(),
              () ->
                  (j == null || isRunning(j)) && served.get() != null && served.get().isRunning());
      state =
          MaterializedState.start(
              connection, ConsumerGroups.QUERY, o.dataDir().resolve("streams"), http.registry());
      served.set(state);
      QueryService query =
          new QueryService(
              state.models(),
              state.frontiers(),
              o.limits(),
              http.registry(),
              o.http().streamClients());
      http.route(query::register);
      if (gateway != null) {
        http.route(new IngestApi(gateway, http.registry())::register);
      }
      http.start();
      feed = new FrontierFeed(connection, query.frontierStream()::publish, http.registry());
      log.info("query service at {} (metrics at /metrics)", http.url());
    }
    return new Stack(kafka, connection.bootstrapServers(), job, state, feed, http, gateway);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The query service's root, {@code http://localhost:8080/}; null without one. */
  public String httpUrl() {
    return http == null ? null : http.url();
  }

  private static boolean isRunning(JobClient job) {
    try {
      return job.getJobStatus().get(5, TimeUnit.SECONDS) == JobStatus.RUNNING;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Cancels the job (its checkpoints stay for the next start), then stops HTTP, the Streams app and
   * Kafka.
   */
  @Override
  public void close() throws Exception {
    try {
      if (job != null) {
        job.cancel().get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      log.warn("Flink job did not cancel cleanly: {}", e.toString());
    }
    if (http != null) {
      feed.close();
      http.close();
      state.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }
}
