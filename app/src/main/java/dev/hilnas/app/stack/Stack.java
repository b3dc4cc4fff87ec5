package dev.hilnas.app.stack;

import dev.hilnas.cluster.EmbeddedKafka;
import dev.hilnas.core.Limits;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.producers.gateway.IngestApi;
import dev.hilnas.producers.gateway.IngestGateway;
import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Principal;
import dev.hilnas.schemas.TopicSetup;
import dev.hilnas.sinks.QueryService;
import dev.hilnas.sinks.state.AgentLag;
import dev.hilnas.sinks.state.FrontierFeed;
import dev.hilnas.sinks.state.MaterializedState;
import dev.hilnas.streams.EmbeddedJob;
import dev.hilnas.streams.JobSettings;
import io.micrometer.core.instrument.FunctionCounter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointFailureManager;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
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

  /** On {@code /metrics}: how many times the embedded job left RUNNING (see {@link JobWatch}). */
  public static final String JOB_RESTARTS = "hilnas_job_restarts_total";

  /**
   * @param dataDir broker logs and Flink checkpoints live here
   * @param kafka an existing Kafka cluster, which every part of the stack connects to with its
   *     settings, or null to run the embedded broker
   * @param secure whether the embedded broker admits only its SCRAM users, each part of the stack
   *     as its own {@link Principal}, under ACLs
   * @param kafkaPort the embedded broker's client port (0 = any free port)
   * @param httpPort the query service port (0 = any free port, -1 = no query service)
   * @param http the HTTP server's limits and TLS
   * @param objectives the frontiers kept per target, {@code PHASE@tokens}
   * @param devices devices allowed to post to {@code /api/v1/measurements}, or null for no ingest
   *     endpoint
   * @param runJob whether to run the Flink job here (false when a Flink cluster runs the job jar)
   * @param limits what the job, device ingest and the prediction API accept
   * @param replication replicas of the topics it creates; 0: one per broker of the cluster, up to 3
   * @param frontierInterval the most often a target publishes its frontier updates (0: after each
   *     record)
   */
  public record Options(
      Path dataDir,
      KafkaConnection kafka,
      boolean secure,
      int kafkaPort,
      int httpPort,
      HttpSettings http,
      int parallelism,
      Duration checkpointInterval,
      Duration publishInterval,
      List<String> objectives,
      Devices devices,
      boolean runJob,
      Limits limits,
      int replication,
      Duration frontierInterval) {

    /** Frontier updates at the {@link JobSettings#DEFAULT_FRONTIER_INTERVAL}. */
    public Options(
        Path dataDir,
        KafkaConnection kafka,
        boolean secure,
        int kafkaPort,
        int httpPort,
        HttpSettings http,
        int parallelism,
        Duration checkpointInterval,
        Duration publishInterval,
        List<String> objectives,
        Devices devices,
        boolean runJob,
        Limits limits,
        int replication) {
      this(
          dataDir,
          kafka,
          secure,
          kafkaPort,
          httpPort,
          http,
          parallelism,
          checkpointInterval,
          publishInterval,
          objectives,
          devices,
          runJob,
          limits,
          replication,
          JobSettings.DEFAULT_FRONTIER_INTERVAL);
    }

    /** Topics replicated once per broker, up to 3. */
    public Options(
        Path dataDir,
        KafkaConnection kafka,
        boolean secure,
        int kafkaPort,
        int httpPort,
        HttpSettings http,
        int parallelism,
        Duration checkpointInterval,
        Duration publishInterval,
        List<String> objectives,
        Devices devices,
        boolean runJob,
        Limits limits) {
      this(
          dataDir,
          kafka,
          secure,
          kafkaPort,
          httpPort,
          http,
          parallelism,
          checkpointInterval,
          publishInterval,
          objectives,
          devices,
          runJob,
          limits,
          0);
    }
  }

  /** Whom each part of the stack connects as: one user for all, or each its own principal. */
  private record Clients(
      KafkaConnection admin, KafkaConnection job, KafkaConnection query, KafkaConnection gateway) {

    static Clients all(KafkaConnection kafka) {
      return new Clients(kafka, kafka, kafka, kafka);
    }

    static Clients of(EmbeddedKafka broker) {
      return new Clients(
          as(broker, EmbeddedKafka.ADMIN),
          as(broker, Principal.JOB.user()),
          as(broker, Principal.QUERY.user()),
          as(broker, Principal.GATEWAY.user()));
    }

    private static KafkaConnection as(EmbeddedKafka broker, String user) {
      return KafkaConnection.read(broker.clientProperties(user), null);
    }
  }

  private final EmbeddedKafka kafka;
  private final String bootstrapServers;
  private final Map<String, Path> clientProperties;
  private final JobClient job;
  private final JobWatch jobWatch;
  private final MaterializedState state;
  private final FrontierFeed feed;
  private final AgentLag lag;
  private final HttpFront http;
  private final IngestGateway gateway;
  private final KafkaBacklog backlog;
  private final StateGauges gauges;

  private Stack(
      EmbeddedKafka kafka,
      String bootstrapServers,
      Map<String, Path> clientProperties,
      JobClient job,
      JobWatch jobWatch,
      MaterializedState state,
      FrontierFeed feed,
      AgentLag lag,
      HttpFront http,
      IngestGateway gateway,
      KafkaBacklog backlog,
      StateGauges gauges) {
    this.kafka = kafka;
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = clientProperties;
    this.job = job;
    this.jobWatch = jobWatch;
    this.state = state;
    this.feed = feed;
    this.lag = lag;
    this.http = http;
    this.gateway = gateway;
    this.backlog = backlog;
    this.gauges = gauges;
  }

  public static Stack start(Options o) throws Exception {
    EmbeddedKafka kafka = null;
    Clients clients;
    Map<String, Path> files = new LinkedHashMap<>();
    // declared here, so that a start that fails stops what it started (see the catch below)
    JobClient job = null;
    JobWatch jobWatch = null;
    HttpFront http = null;
    MaterializedState state = null;
    FrontierFeed feed = null;
    AgentLag lag = null;
    IngestGateway gateway = null;
    KafkaBacklog backlog = null;
    StateGauges gauges = null;
    try {
      if (o.kafka() != null) {
        clients = Clients.all(o.kafka());
      } else if (o.secure()) {
        kafka =
            EmbeddedKafka.startSecured(
                o.dataDir(),
                o.kafkaPort(),
                Stream.of(Principal.values()).map(Principal::user).toList());
        files.put(EmbeddedKafka.ADMIN, kafka.clientProperties(EmbeddedKafka.ADMIN));
        for (Principal p : Principal.values()) {
          files.put(p.user(), kafka.clientProperties(p.user()));
        }
        clients = Clients.of(kafka);
        TopicSetup.grantAccess(
            clients.admin()); // who may do what is part of the broker hilnas runs
        log.info(
            "Kafka broker up at {}, SASL/SCRAM only (data in {})",
            kafka.bootstrapServers(),
            o.dataDir());
      } else {
        kafka = EmbeddedKafka.start(o.dataDir(), o.kafkaPort());
        clients = Clients.all(KafkaConnection.to(kafka.bootstrapServers()));
        log.info("Kafka broker up at {} (data in {})", kafka.bootstrapServers(), o.dataDir());
      }
      var created =
          o.replication() > 0
              ? TopicSetup.ensure(clients.admin(), (short) o.replication())
              : TopicSetup.ensure(clients.admin());
      if (!created.isEmpty()) {
        log.info("created topics {}", created);
      }
      JobSettings settings =
          new JobSettings(
              clients.job(),
              ConsumerGroups.JOB,
              ConsumerGroups.JOB,
              o.checkpointInterval(),
              o.publishInterval(),
              o.frontierInterval(),
              o.objectives(),
              o.limits());
      Path checkpoints = o.dataDir().resolve("flink-checkpoints");
      if (o.runJob()) {
        EmbeddedJob.latestCheckpoint(checkpoints)
            .ifPresent(c -> log.info("resuming Flink job from {}", c));
        job = EmbeddedJob.start(settings, checkpoints, o.parallelism());
        jobWatch = new JobWatch(job);
        log.info("Flink job {} submitted", job.getJobID());
      }
      if (o.httpPort() >= 0) {
        if (o.devices() != null) {
          gateway =
              new IngestGateway(
                  clients.gateway(),
                  o.devices(),
                  o.limits(),
                  MAX_UNACKNOWLEDGED,
                  java.time.Clock.systemUTC());
        }
        // the front reports the state's health, and the state counts what it skips in its registry
        JobWatch watch = jobWatch;
        AtomicReference<MaterializedState> served = new AtomicReference<>();
        http =
            new HttpFront(
                "localhost",
                o.httpPort(),
                o.http(),
                () ->
                    (watch == null || watch.isRunning())
                        && served.get() != null
                        && served.get().isRunning());
        if (watch != null) {
          FunctionCounter.builder(JOB_RESTARTS, watch, JobWatch::restarts)
              .description("times the Flink job left RUNNING: restarts, or a failure for good")
              .register(http.registry());
        }
        state =
            MaterializedState.start(
                clients.query(),
                ConsumerGroups.QUERY,
                o.dataDir().resolve("streams"),
                http.registry());
        served.set(state);
        lag = new AgentLag(clients.query());
        QueryService query =
            new QueryService(
                state.models(),
                state.frontiers(),
                state.progress(),
                lag::of,
                o.limits(),
                http.registry(),
                o.http().streamClients(),
                o.http().streamWriters());
        http.onClose(query.frontierStream());
        http.route(query::register);
        // what `hilnas status` and a dashboard read beside the API: backlog in Kafka, the search's
        // progress per target
        backlog = new KafkaBacklog(clients.admin(), http.registry());
        gauges = new StateGauges(state.models(), state.frontiers(), http.registry());
        if (gateway != null) {
          http.route(new IngestApi(gateway, http.registry())::register);
        }
        http.start();
        feed =
            new FrontierFeed(
                clients.query(),
                query.frontierHistory()::record,
                query::frontierUpdated,
                http.registry());
        log.info("query service at {} (metrics at /metrics)", http.url());
      }
      return new Stack(
          kafka,
          clients.admin().bootstrapServers(),
          Collections.unmodifiableMap(files),
          job,
          jobWatch,
          state,
          feed,
          lag,
          http,
          gateway,
          backlog,
          gauges);
    } catch (Exception | Error e) {
      // what started stops again, where a failed start left a broker, Flink's RPC jar in the temp
      // directory and the job's threads behind in a process about to exit with an error
      try {
        new Stack(
                kafka, null, Map.of(), job, jobWatch, state, feed, lag, http, gateway, backlog,
                gauges)
            .close();
      } catch (Exception stopping) {
        e.addSuppressed(stopping);
      }
      throw e;
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The Kafka client properties file of each user of the secured embedded broker, by user name;
   * empty unless it is secured.
   */
  public Map<String, Path> clientProperties() {
    return clientProperties;
  }

  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The query service's root, {@code http://localhost:8080/}; null without one. */
  public String httpUrl() {
    return http == null ? null : http.url();
  }

  /**
   * Cancels the job (its checkpoints stay for the next start), then stops HTTP, the Streams app and
   * Kafka; of a stack whose start failed, the parts it had started.
   */
  @Override
  public void close() throws Exception {
    try {
      if (jobWatch != null) {
        jobWatch.close();
      }
      if (job != null) {
        // a periodic checkpoint the cancel cuts short is logged as a failed checkpoint, with a
        // stack trace: expected now, and nothing to do with the checkpoints the job completed
        Configurator.setLevel(CheckpointFailureManager.class, Level.ERROR);
        job.cancel().get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      log.warn("Flink job did not cancel cleanly: {}", e.toString());
    }
    for (AutoCloseable part : new AutoCloseable[] {gauges, backlog, feed, http, lag, state}) {
      if (part != null) {
        part.close();
      }
    }
    if (gateway != null) {
      gateway.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }
}
