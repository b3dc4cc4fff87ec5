package dev.hilnas.app.bench.query;

import com.sun.management.OperatingSystemMXBean;
import dev.hilnas.app.bench.IngestBenchmark;
import dev.hilnas.app.bench.SyntheticMeasurements;
import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.app.stack.MetricsText;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.core.Statistics;
import dev.hilnas.producers.kafka.KafkaMeasurementSink;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.json.CandidateJson;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.streams.JobSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The query side under load: a stack as {@code serve} runs it (embedded broker, Flink job, Streams
 * materialiser, HTTP front), or a deployment running elsewhere, holding models and frontiers of
 * several targets; event-stream subscribers connected while new measurements keep models and
 * frontiers changing; and clients firing {@code GET} frontier, {@code GET} model and {@code POST}
 * predict at it. {@code GET /healthz}, which reads nothing, is in the same mix as the floor: what
 * the server and the clients cost by themselves in the same run.
 */
public final class QueryBenchmark {

  /** The kinds of request, in the order figures are reported. */
  public static final List<String> KINDS =
      List.of("GET /healthz (floor)", "GET frontier", "GET model", "POST predict");

  private static final int HEALTHZ = 0;
  private static final int FRONTIER = 1;
  private static final int MODEL = 2;
  private static final int PREDICT = 3;

  /**
   * @param rate requests per second of all clients together; 0: each client sends its next request
   *     as soon as the last is answered (closed loop)
   * @param updateInterval how often a new measurement goes in, so models and frontiers keep
   *     changing
   */
  public record Settings(
      int clients,
      int subscribers,
      int targets,
      int candidates,
      Duration warmUp,
      Duration duration,
      int repeat,
      double rate,
      Duration updateInterval,
      int httpThreads,
      int streamWriters) {
    public Settings {
      if (clients < 1 || subscribers < 0 || targets < 1 || candidates < 2 || repeat < 1) {
        throw new IllegalArgumentException(
            "clients, targets and repeat must be >= 1, candidates >= 2, subscribers >= 0");
      }
      if (rate < 0 || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("the rate must be >= 0 and the duration positive");
      }
    }
  }

  /** One kind's figures per repetition. */
  public record Kind(
      String name,
      List<Double> perSecond,
      List<Double> p50Ms,
      List<Double> p99Ms,
      List<Double> maxMs,
      long errors) {}

  /**
   * Per repetition: the query service's JVM's live threads, those of its HTTP front (server pool,
   * dispatcher, event-stream writers, write timer; NaN when it runs elsewhere), its heap used (the
   * most sampled), the share of the machine's CPU time (all its cores) the bench's own clients and
   * subscriber reader took, frontier events per second received by a subscriber to every update and
   * by all subscribers together, and the megabytes per second the event streams carried; at the
   * end, what the subscribers saw and how many the server dropped for falling behind ({@code
   * /metrics}).
   */
  public record Result(
      Settings settings,
      List<Kind> kinds,
      List<Double> liveThreads,
      List<Double> httpThreads,
      List<Double> heapUsedMb,
      List<Double> clientCpuShare,
      List<Double> eventsPerSubscriberPerSecond,
      List<Double> eventsPerSecond,
      List<Double> streamMbPerSecond,
      Subscribers.Tally subscribers,
      long droppedByServer) {

    public static double median(List<Double> runs) {
      return Statistics.median(runs);
    }
  }

  private QueryBenchmark() {}

  /**
   * A running deployment measured instead of an embedded stack: the Kafka its job reads, and its
   * query service (plain HTTP). The bench writes measurements of its own targets into it.
   */
  public record Deployment(KafkaConnection kafka, URI queryService) {
    public Deployment {
      // the clients' requests are prepared with the API's own paths, from the root
      String path = queryService.getPath();
      if (!"http".equals(queryService.getScheme())
          || queryService.getHost() == null
          || !(path == null || path.isEmpty() || path.equals("/"))) {
        throw new IllegalArgumentException(
            "the query service's URL must be http://HOST[:PORT]/, got " + queryService);
      }
      queryService = queryService.resolve("/");
    }

    InetSocketAddress server() {
      return new InetSocketAddress(
          queryService.getHost(), queryService.getPort() < 0 ? 80 : queryService.getPort());
    }
  }

  /** Against an embedded stack started here, in this JVM, as {@code serve} runs it. */
  public static Result run(Settings s, Consumer<String> progress) throws Exception {
    Path dir = Files.createTempDirectory("hilnas-bench-query");
    int streamCap = Math.max(HttpSettings.STREAM_CLIENTS, s.subscribers());
    HttpSettings http =
        new HttpSettings(
            s.httpThreads(),
            HttpSettings.REQUEST_CONNECTIONS + streamCap + s.clients(),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            streamCap,
            s.streamWriters(),
            null);
    try (Stack stack =
        Stack.start(
            new Stack.Options(
                dir,
                null,
                false,
                0,
                0,
                http,
                2,
                Duration.ofSeconds(1),
                Duration.ofMillis(200),
                JobSettings.DEFAULT_OBJECTIVES,
                null,
                true,
                Limits.DEFAULTS))) {
      Deployment here =
          new Deployment(KafkaConnection.to(stack.bootstrapServers()), URI.create(stack.httpUrl()));
      return run(s, here, ServiceJvm.thisOne(), progress);
    } finally {
      IngestBenchmark.deleteQuietly(dir);
    }
  }

  /**
   * Against a deployment running elsewhere, its query service's heap and threads read from its
   * {@code /metrics}; the settings' HTTP threads and stream writers are then the deployment's own.
   */
  public static Result run(Settings s, Deployment deployment, Consumer<String> progress)
      throws Exception {
    return run(s, deployment, ServiceJvm.at(deployment.queryService()), progress);
  }

  private static Result run(
      Settings s, Deployment deployment, ServiceJvm service, Consumer<String> progress)
      throws Exception {
    List<Objective> objectives =
        JobSettings.DEFAULT_OBJECTIVES.stream().map(Objective::parse).toList();
    String url = deployment.queryService().toString();
    SplittableRandom random = new SplittableRandom(7);
    List<HardwareTarget> targets = new ArrayList<>();
    for (int i = 0; i < s.targets(); i++) {
      targets.add(new HardwareTarget("bench-device-" + i, "java-cpu"));
    }
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < s.candidates(); i++) {
      candidates.add(SyntheticMeasurements.candidate(random));
    }
    progress.accept(
        String.format(
            "loading %d candidates × %d objectives on %d targets, then waiting for their models"
                + " and frontiers",
            candidates.size(), objectives.size(), targets.size()));
    try (Updates updates = new Updates(deployment.kafka(), targets, candidates, objectives)) {
      updates.load(random);
      waitUntilServed(url, targets, objectives.size());
      updates.start(s.updateInterval());
      InetSocketAddress server = deployment.server();
      progress.accept(String.format("connecting %,d subscribers", s.subscribers()));
      try (Subscribers subscribers = new Subscribers(server, streamPaths(s, targets));
          RequestLoad load =
              new RequestLoad(
                  server,
                  s.clients(),
                  mix(targets, candidates, objectives, random),
                  s.rate() / s.clients())) {
        progress.accept(String.format("warming up for %s", s.warmUp()));
        Thread.sleep(s.warmUp().toMillis());
        return measure(s, load, subscribers, service, deployment.queryService(), progress);
      }
    }
  }

  /**
   * One in ten subscribes to every update (a dashboard); the others as the live page does, to one
   * target's objective, spread over all of them.
   */
  private static List<String> streamPaths(Settings s, List<HardwareTarget> targets) {
    List<String> paths = new ArrayList<>();
    List<String> objectives = JobSettings.DEFAULT_OBJECTIVES;
    for (int i = 0; i < s.subscribers(); i++) {
      String path = "/api/v1/stream/frontiers";
      if (i % 10 != 0) {
        String target = targets.get(i % targets.size()).id();
        String objective = objectives.get(i / targets.size() % objectives.size());
        path +=
            "?target="
                + URLEncoder.encode(target, StandardCharsets.UTF_8)
                + "&objective="
                + URLEncoder.encode(objective, StandardCharsets.UTF_8);
      }
      paths.add(path);
    }
    return paths;
  }

  /**
   * One in ten requests is {@code /healthz}; the rest are frontier, model and predict requests in
   * equal parts, about every target and objective.
   */
  private static List<RequestLoad.Request> mix(
      List<HardwareTarget> targets,
      List<Candidate> candidates,
      List<Objective> objectives,
      SplittableRandom random)
      throws IOException {
    List<RequestLoad.Request> mix = new ArrayList<>();
    for (HardwareTarget t : targets) {
      mix.add(RequestLoad.Request.get(HEALTHZ, "/healthz"));
      for (int i = 0; i < 3; i++) {
        Objective o = objectives.get(random.nextInt(objectives.size()));
        mix.add(
            RequestLoad.Request.get(
                FRONTIER,
                "/api/v1/frontiers/"
                    + t.id()
                    + "?objective="
                    + URLEncoder.encode(o.toString(), StandardCharsets.UTF_8)));
        mix.add(RequestLoad.Request.get(MODEL, "/api/v1/models/" + t.id()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", t.id());
        body.put("phase", o.phase().name());
        body.put("contextLength", o.contextLength());
        body.put(
            "candidate", CandidateJson.toMap(candidates.get(random.nextInt(candidates.size()))));
        mix.add(
            RequestLoad.Request.post(
                PREDICT, "/api/v1/predict", Json.MAPPER.writeValueAsString(body)));
      }
    }
    return mix;
  }

  private static Result measure(
      Settings s,
      RequestLoad load,
      Subscribers subscribers,
      ServiceJvm service,
      URI queryService,
      Consumer<String> progress)
      throws InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Thread> benchThreads = new ArrayList<>(load.threads());
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(Subscribers.THREAD_NAME))
        .forEach(benchThreads::add);

    List<List<double[]>> perKind = new ArrayList<>(); // [kind] -> per rep {perSecond,p50,p99,max}
    long[] errors = new long[KINDS.size()];
    for (int k = 0; k < KINDS.size(); k++) {
      perKind.add(new ArrayList<>());
    }
    List<Double> live = new ArrayList<>();
    List<Double> front = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    List<Double> clientShare = new ArrayList<>();
    List<Double> eventRate = new ArrayList<>();
    List<Double> allEvents = new ArrayList<>();
    List<Double> streamMb = new ArrayList<>();
    for (int rep = 0; rep < s.repeat(); rep++) {
      RequestLoad.Window w = new RequestLoad.Window(s.clients(), KINDS.size());
      long clientCpu0 = cpu(threads, benchThreads);
      Subscribers.Tally before = subscribers.tally();
      long start = System.nanoTime();
      load.measure(w);
      long end = start + s.duration().toNanos();
      long maxHeap = 0;
      long every = service.samplingInterval().toMillis();
      while (System.nanoTime() < end) {
        maxHeap = Math.max(maxHeap, service.heapUsedBytes().orElse(0));
        Thread.sleep(Math.max(1, Math.min(every, (end - System.nanoTime()) / 1_000_000)));
      }
      load.measure(null);
      w.close();
      double seconds = (System.nanoTime() - start) / 1e9;
      Subscribers.Tally after = subscribers.tally();
      long clientCpu = cpu(threads, benchThreads) - clientCpu0;
      for (int k = 0; k < KINDS.size(); k++) {
        long[] l = w.sorted(k);
        errors[k] += w.errors(k);
        perKind
            .get(k)
            .add(
                new double[] {
                  l.length / seconds, quantileMs(l, 0.5), quantileMs(l, 0.99), quantileMs(l, 1)
                });
      }
      OptionalInt liveNow = service.liveThreads();
      live.add(liveNow.isPresent() ? liveNow.getAsInt() : Double.NaN);
      long frontNow = service.frontThreads();
      front.add(frontNow < 0 ? Double.NaN : frontNow);
      heap.add(maxHeap > 0 ? maxHeap / 1e6 : Double.NaN);
      clientShare.add(clientCpu / (seconds * 1e9 * os.getAvailableProcessors()));
      eventRate.add(
          after.allSubscribers() == 0
              ? 0
              : (after.eventsOfAllSubscribers() - before.eventsOfAllSubscribers())
                  / (double) after.allSubscribers()
                  / seconds);
      allEvents.add((after.events() - before.events()) / seconds);
      streamMb.add((after.bytes() - before.bytes()) / 1e6 / seconds);
      progress.accept(String.format("repetition %d/%d done", rep + 1, s.repeat()));
    }
    List<Kind> kinds = new ArrayList<>();
    for (int k = 0; k < KINDS.size(); k++) {
      List<double[]> reps = perKind.get(k);
      kinds.add(
          new Kind(
              KINDS.get(k),
              column(reps, 0),
              column(reps, 1),
              column(reps, 2),
              column(reps, 3),
              errors[k]));
    }
    return new Result(
        s,
        kinds,
        live,
        front,
        heap,
        clientShare,
        eventRate,
        allEvents,
        streamMb,
        subscribers.tally(),
        droppedStreams(queryService));
  }

  private static List<Double> column(List<double[]> rows, int i) {
    return rows.stream().map(r -> r[i]).toList();
  }

  /** The q-quantile of sorted nanoseconds, in ms; NaN for none. */
  private static double quantileMs(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, rank)] / 1e6;
  }

  private static long cpu(ThreadMXBean threads, List<Thread> of) {
    long sum = 0;
    for (Thread t : of) {
      long ns = threads.getThreadCpuTime(t.getId());
      sum += Math.max(0, ns);
    }
    return sum;
  }

  /**
   * {@code hilnas_frontier_stream_dropped_total} from {@code /metrics}; -1 when it cannot be read
   * (tried three times): the figures measured are not lost over it.
   */
  private static long droppedStreams(URI queryService) throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    for (int attempt = 0; attempt < 3; attempt++) {
      List<MetricsText.Sample> samples =
          ServiceJvm.scrape(client, queryService.resolve("metrics"), Duration.ofSeconds(10));
      if (!samples.isEmpty()) {
        return samples.stream()
            .filter(m -> m.name().equals("hilnas_frontier_stream_dropped_total"))
            .mapToLong(m -> (long) m.value())
            .findFirst()
            .orElse(-1);
      }
      Thread.sleep(1_000);
    }
    return -1;
  }

  /** Until every target has a model and a frontier per objective on the HTTP API. */
  private static void waitUntilServed(String url, List<HardwareTarget> targets, int objectives)
      throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    for (HardwareTarget t : targets) {
      while (!served(client, url, t, objectives)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "no model and " + objectives + " frontiers for " + t.id() + " within 5 minutes");
        }
        Thread.sleep(250);
      }
    }
  }

  private static boolean served(HttpClient client, String url, HardwareTarget t, int objectives)
      throws Exception {
    HttpResponse<String> model =
        client.send(
            HttpRequest.newBuilder(URI.create(url + "api/v1/models/" + t.id())).build(),
            HttpResponse.BodyHandlers.ofString());
    if (model.statusCode() != 200) {
      return false;
    }
    HttpResponse<String> frontiers =
        client.send(
            HttpRequest.newBuilder(URI.create(url + "api/v1/frontiers/" + t.id())).build(),
            HttpResponse.BodyHandlers.ofString());
    return frontiers.statusCode() == 200
        && Json.MAPPER.readTree(frontiers.body()).size() == objectives;
  }

  /** Measurements into the stack: the first load, then one at a time so frontiers keep moving. */
  private static final class Updates implements AutoCloseable {
    private final KafkaMeasurementSink sink;
    private final List<HardwareTarget> targets;
    private final List<Candidate> candidates;
    private final List<Objective> objectives;
    // ids new to a deployment measured before: the job drops a measurement id it has seen
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private Thread thread;
    private volatile boolean running = true;
    private long next;

    Updates(
        KafkaConnection kafka,
        List<HardwareTarget> targets,
        List<Candidate> candidates,
        List<Objective> objectives) {
      this.sink = new KafkaMeasurementSink(kafka, "bench-query", Clock.systemUTC());
      this.targets = targets;
      this.candidates = candidates;
      this.objectives = objectives;
    }

    /** Every candidate's quality and its latency on every target and objective. */
    void load(SplittableRandom random) {
      for (Candidate c : candidates) {
        sink.accept(
            new Quality(null, c, Quality.PERPLEXITY, 8 + 40 * random.nextDouble(), null, null));
      }
      for (int t = 0; t < targets.size(); t++) {
        for (Candidate c : candidates) {
          for (Objective o : objectives) {
            sink.accept(measurement(t, c, o, random));
          }
        }
      }
      sink.flush();
    }

    void start(Duration interval) {
      thread =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(11);
                while (running) {
                  int t = random.nextInt(targets.size());
                  Candidate c = candidates.get(random.nextInt(candidates.size()));
                  Objective o = objectives.get(random.nextInt(objectives.size()));
                  sink.accept(measurement(t, c, o, random));
                  sink.flush();
                  try {
                    Thread.sleep(interval.toMillis());
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-query-updates");
      thread.setDaemon(true);
      thread.start();
    }

    /** A latency that grows with size and context, a little slower per target, with noise. */
    private Measurement measurement(int target, Candidate c, Objective o, SplittableRandom random) {
      double perToken = c.parameterCount() / 1e8 * (1 + 0.2 * target);
      double ms =
          o.phase() == Phase.PREFILL
              ? perToken * o.contextLength() / 64
              : perToken * (1 + o.contextLength() / 8192.0);
      ms *= 0.95 + 0.1 * random.nextDouble();
      return Measurement.of(
          "bench-query-" + run + "-" + next++,
          c,
          targets.get(target),
          o.phase(),
          o.contextLength(),
          ms,
          List.of(ms * 0.99, ms, ms * 1.02));
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      if (thread != null) {
        thread.join(5_000);
      }
      sink.close();
    }
  }
}
