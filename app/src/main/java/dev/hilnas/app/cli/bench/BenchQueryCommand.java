package dev.hilnas.app.cli.bench;

import dev.hilnas.app.bench.query.QueryBenchmark;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "The query side under concurrent clients with event-stream subscribers connected.",
      "",
      "GET frontier, GET model and POST predict from --clients concurrent clients against the embedded stack (or a deployment's query service, --url), while --subscribers event-stream subscribers are connected and new measurements keep models and frontiers changing: per kind of request throughput and p50/p99/max latency, errors, the JVM's threads and heap used; GET /healthz in the same mix is the floor (the server and the clients by themselves). With the defaults it takes about 1.5 minutes on 2 cores."
    })
final class BenchQueryCommand implements Callable<Integer> {

  @Option(
      names = "--clients",
      defaultValue = "200",
      description =
          "Concurrent clients, one keep-alive connection each (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--subscribers",
      defaultValue = "1000",
      description = "Event-stream subscribers connected throughout (default: ${DEFAULT-VALUE}).")
  int subscribers;

  @Option(
      names = "--targets",
      defaultValue = "8",
      description = "Hardware targets with a model and frontiers (default: ${DEFAULT-VALUE}).")
  int targets;

  @Option(
      names = "--candidates",
      defaultValue = "60",
      description = "Candidates measured on every target (default: ${DEFAULT-VALUE}).")
  int candidates;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description =
          "Requests per second of all clients together, each client at its share; latency then"
              + " counts from when a request was due. 0: each client sends as soon as its last"
              + " answer is in (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "10s",
      description = "Per repetition (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warm-up",
      defaultValue = "10s",
      description = "Load before the first repetition, not counted (default: ${DEFAULT-VALUE}).")
  Duration warmUp;

  @Option(
      names = "--repeat",
      defaultValue = "3",
      description = "Repetitions; medians are reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--update-interval",
      defaultValue = "100ms",
      description =
          "A new measurement this often, so models and frontiers keep changing and events flow"
              + " (default: ${DEFAULT-VALUE}).")
  Duration updateInterval;

  @Option(
      names = "--http-threads",
      defaultValue = "32",
      description = "The server's request threads (default: ${DEFAULT-VALUE}).")
  int httpThreads;

  @Option(
      names = "--http-stream-writers",
      defaultValue = "4",
      description = "The event stream's writer threads (default: ${DEFAULT-VALUE}).")
  int streamWriters;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Measure this running query service (http://HOST:PORT/) instead of an embedded stack"
              + " started in this JVM, e.g. one started on its own with `serve --no-job`; the"
              + " bench writes its targets' measurements into --bootstrap, the Kafka its job reads."
              + " Its heap and threads come from its /metrics; --http-threads and"
              + " --http-stream-writers are then its own.")
  URI url;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "With --url: the deployment's Kafka (default: ${DEFAULT-VALUE}).",
      defaultValue = KafkaConnection.DEFAULT_BOOTSTRAP)
  String bootstrap;

  @Option(names = "--json", description = "End the output with one JSON object of the figures.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    QueryBenchmark.Settings settings =
        new QueryBenchmark.Settings(
            clients,
            subscribers,
            targets,
            candidates,
            warmUp,
            duration,
            repeat,
            rate,
            updateInterval,
            httpThreads,
            streamWriters);
    PrintWriter err = spec.commandLine().getErr();
    err.printf(
        "bench query: %d clients (%s), %,d subscribers, %d targets, %d × %s s (+ %s s warm-up)%n",
        clients,
        rate > 0 ? String.format("%,.0f requests/s in all", rate) : "closed loop",
        subscribers,
        targets,
        repeat,
        seconds(duration),
        seconds(warmUp));
    if (url == null && spec.commandLine().getParseResult().hasMatchedOption("--bootstrap")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--bootstrap is the Kafka of a deployment given with --url");
    }
    QueryBenchmark.Deployment deployment =
        url == null ? null : new QueryBenchmark.Deployment(KafkaConnection.to(bootstrap), url);
    Consumer<String> progress =
        line -> {
          err.println("  " + line);
          err.flush();
        };
    QueryBenchmark.Result r =
        deployment == null
            ? QueryBenchmark.run(settings, progress)
            : QueryBenchmark.run(settings, deployment, progress);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "%-21s %22s %18s %18s %18s %7s%n",
        "", "requests/s", "p50 ms", "p99 ms", "max ms", "errors");
    for (QueryBenchmark.Kind k : r.kinds()) {
      out.printf(
          "%-21s %,8.0f %-13s %5.2f %-12s %5.2f %-12s %6.1f %-11s %7d%n",
          k.name(),
          median(k.perSecond()),
          Spread.perSecond(k.perSecond()),
          median(k.p50Ms()),
          range(k.p50Ms()),
          median(k.p99Ms()),
          range(k.p99Ms()),
          median(k.maxMs()),
          Spread.ms(k.maxMs()),
          k.errors());
    }
    var t = r.subscribers();
    out.printf(
        "subscribers           : %,d connected of %,d, %d refused, %d ended by the server (%s"
            + " dropped for falling behind)%n",
        t.connected(),
        t.subscribers(),
        t.refused(),
        t.ended(),
        r.droppedByServer() < 0 ? "?" : Long.toString(r.droppedByServer()));
    out.printf(
        "events                : %,.0f/s [%,.0f..%,.0f] to all, %.1f MB/s [%.1f..%.1f]; %.1f/s"
            + " [%.1f..%.1f] to each subscriber to every update%n",
        median(r.eventsPerSecond()),
        min(r.eventsPerSecond()),
        max(r.eventsPerSecond()),
        median(r.streamMbPerSecond()),
        min(r.streamMbPerSecond()),
        max(r.streamMbPerSecond()),
        median(r.eventsPerSubscriberPerSecond()),
        min(r.eventsPerSubscriberPerSecond()),
        max(r.eventsPerSubscriberPerSecond()));
    if (url == null) {
      out.printf(
          "threads               : %.0f live in the JVM [%.0f..%.0f], %d of them the bench's;"
              + " the HTTP front's %.0f%n",
          median(r.liveThreads()),
          min(r.liveThreads()),
          max(r.liveThreads()),
          clients + 1,
          median(r.httpThreads()));
    } else {
      out.printf(
          "threads               : %.0f live in the query service's JVM [%.0f..%.0f]%n",
          median(r.liveThreads()), min(r.liveThreads()), max(r.liveThreads()));
    }
    out.printf(
        "heap used             : %,.0f MB at most [%,.0f..%,.0f] (%s)%n",
        median(r.heapUsedMb()),
        min(r.heapUsedMb()),
        max(r.heapUsedMb()),
        url == null
            ? "the whole JVM: broker, job, Streams, server, clients"
            : "the query service's JVM, from its /metrics once a second");
    out.printf(
        "bench clients' CPU    : %.0f%% of the machine's CPU time [%.0f..%.0f]%n",
        100 * median(r.clientCpuShare()),
        100 * min(r.clientCpuShare()),
        100 * max(r.clientCpuShare()));
    if (rate == 0) {
      // Little's law: in a closed loop the clients' mean latency is clients / throughput
      double served = r.kinds().stream().mapToDouble(k -> median(k.perSecond())).sum();
      out.printf(
          "closed loop           : %,.0f requests/s in all, so %.1f ms mean latency over %d"
              + " clients (Little's law); a p99 under 5 ms needs over %,d requests/s%n",
          served, 1000.0 * clients / served, clients, clients * 200);
    }
    out.printf(
        "(medians; [min..max] over %d repetitions of %s s; goal: p99 < 5 ms for the GETs)%n",
        repeat, seconds(duration));
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(json(r, deployment)));
    }
    out.flush();
    return 0;
  }

  private static Map<String, Object> json(
      QueryBenchmark.Result r, QueryBenchmark.Deployment deployment) {
    Map<String, Object> j = new LinkedHashMap<>();
    var s = r.settings();
    j.put("queryService", deployment == null ? "embedded" : deployment.queryService().toString());
    j.put("clients", s.clients());
    j.put("subscribers", s.subscribers());
    j.put("targets", s.targets());
    j.put("rate", s.rate());
    j.put("durationSeconds", s.duration().toMillis() / 1000.0);
    j.put("repeat", s.repeat());
    List<Map<String, Object>> kinds =
        r.kinds().stream()
            .map(
                k -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("kind", k.name());
                  m.put("requestsPerSecond", median(k.perSecond()));
                  m.put("p50Ms", median(k.p50Ms()));
                  m.put("p99Ms", median(k.p99Ms()));
                  m.put("maxMs", median(k.maxMs()));
                  m.put("errors", k.errors());
                  m.put(
                      "runs",
                      Map.of(
                          "requestsPerSecond", k.perSecond(),
                          "p50Ms", k.p50Ms(),
                          "p99Ms", k.p99Ms(),
                          "maxMs", k.maxMs()));
                  return m;
                })
            .toList();
    j.put("kinds", kinds);
    var t = r.subscribers();
    Map<String, Object> subs = new LinkedHashMap<>();
    subs.put("connected", t.connected());
    subs.put("refused", t.refused());
    subs.put("endedByServer", t.ended());
    subs.put("events", t.events());
    subs.put("droppedForFallingBehind", r.droppedByServer() < 0 ? null : r.droppedByServer());
    subs.put("eventsPerSecond", r.eventsPerSecond());
    subs.put("megabytesPerSecond", r.streamMbPerSecond());
    subs.put("eventsPerSubscriberPerSecond", r.eventsPerSubscriberPerSecond());
    j.put("subscribers", subs);
    j.put("liveThreads", unknownAsNull(r.liveThreads()));
    j.put("httpFrontThreads", unknownAsNull(r.httpThreads()));
    j.put("heapUsedMb", unknownAsNull(r.heapUsedMb()));
    j.put("clientCpuShare", r.clientCpuShare());
    return j;
  }

  /** NaN, a figure not known (of a service elsewhere, or not read), as JSON's null. */
  private static List<Double> unknownAsNull(List<Double> runs) {
    return runs.stream().map(n -> n.isNaN() ? null : n).toList();
  }

  private static String seconds(Duration d) {
    return String.format("%.3g", d.toMillis() / 1000.0);
  }

  private static double median(List<Double> runs) {
    return QueryBenchmark.Result.median(runs);
  }

  private static double min(List<Double> runs) {
    return runs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  private static double max(List<Double> runs) {
    return runs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /** Hundredths: p50 and p99 of fast requests are fractions of a millisecond. */
  private static String range(List<Double> runs) {
    return String.format("[%.2f..%.2f]", min(runs), max(runs));
  }
}
