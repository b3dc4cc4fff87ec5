package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.cli.HilnasCommand;
import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.app.stack.MetricsText;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.core.Limits;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.producers.ingest.ImportReport;
import dev.hilnas.producers.ingest.Importer;
import dev.hilnas.producers.ingest.MeasurementFile;
import dev.hilnas.producers.kafka.KafkaMeasurementSink;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real {@code serve} stack seen from outside: what {@code hilnas status} reports of it, and
 * whether the Grafana dashboard and docs/metrics.md name only (and, for the docs, all) the metrics
 * its {@code /metrics} exports.
 */
class ObservabilityIT {
  private static final String TARGET = "x86-1thread-numpy/numpy-openblas-fp32";
  private static final String AGENTS = "hilnas-agent-it";
  private static final int WAITING = 3;
  private static final int OWN_DEAD_LETTERS = 2;

  private static Path dir;
  private static Stack stack;
  private static ImportReport imported;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStackWithDataInIt() throws Exception {
    // not under the OS temp directory, which Kafka Streams warns about
    dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "observability-it");
    stack =
        Stack.start(
            new Stack.Options(
                dir,
                null,
                false,
                0,
                0,
                HttpSettings.DEFAULTS,
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                List.of("PREFILL@64", "PREFILL@256"),
                new Devices(List.of()), // device ingest and its metrics, as `serve` has them
                true,
                Limits.DEFAULTS));
    KafkaConnection kafka = KafkaConnection.to(stack.bootstrapServers());
    // 6 valid measurements of one target, 1 invalid line (a dead letter), quality for both
    imported = importFile(kafka, resource("part-a.jsonl"));
    importFile(kafka, resource("quality.jsonl"));
    // an agents' group that has read nothing of hil.candidates, then candidates for it
    try (var consumer =
        new KafkaConsumer<>(
            withGroup(kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
      consumer
          .partitionsFor(Topics.CANDIDATES.name())
          .forEach(
              p ->
                  start.put(
                      new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(0)));
      consumer.commitSync(start);
    }
    var p = kafka.clientProperties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < WAITING; i++) {
        producer.send(new ProducerRecord<>(Topics.CANDIDATES.name(), bytes("c" + i), bytes("{}")));
      }
      for (int i = 0; i < OWN_DEAD_LETTERS; i++) {
        producer.send(new ProducerRecord<>(Topics.DLQ.name(), bytes("d" + i), bytes("not avro")));
      }
      producer.flush();
    }
    // a device without a token: counted among the refusals the dashboard shows
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.httpUrl() + "api/v1/measurements"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, refused.statusCode(), refused.body());
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void statusShouldReportTheTargetsMeasurementsFrontiersWaitingCandidatesAndDeadLetters()
      throws Exception {
    assertEquals(6, imported.valid());
    assertEquals(1, imported.errors().size());
    JsonNode status =
        await(
            s ->
                s.path("targets").size() == 1
                    && s.path("targets").get(0).path("measurements").asLong() == 6
                    && s.path("targets").get(0).path("frontiers").size() == 2
                    && s.path("pendingCandidates").asLong() == WAITING
                    && s.path("deadLetters").asLong() == OWN_DEAD_LETTERS + 1);
    assertTrue(status.path("up").asBoolean(), status.toString());
    JsonNode target = status.path("targets").get(0);
    assertEquals(TARGET, target.path("target").asText());
    // the frontier sizes are the API's own
    for (JsonNode f : target.path("frontiers")) {
      JsonNode served =
          Json.MAPPER.readTree(
              get("api/v1/frontiers/" + TARGET + "?objective=" + f.path("objective").asText()));
      assertEquals(served.path("points").size(), f.path("points").asInt(), f.toString());
    }
    assertTrue(
        status.path("consumerLag").findValues("group").stream()
            .anyMatch(g -> g.asText().equals(AGENTS)),
        status.toString());
    // the table says the same
    StringWriter table = new StringWriter();
    assertEquals(0, status(table, "--url", stack.httpUrl()));
    assertTrue(table.toString().contains(TARGET), table.toString());
    assertTrue(
        table.toString().contains("candidates waiting for an agent: " + WAITING), table.toString());
    assertTrue(table.toString().contains("dead letters on hil.dlq: " + (OWN_DEAD_LETTERS + 1)));
  }

  @Test
  void statusOfNothingShouldSayNothingAnswersAndExit1() {
    StringWriter err = new StringWriter();
    var cli = HilnasCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    assertEquals(1, cli.execute("status", "--url", "http://localhost:1/"));
    assertTrue(
        err.toString().startsWith("error: nothing answers at http://localhost:1/healthz"),
        err.toString());
  }

  @Test
  void dashboardShouldQueryOnlyMetricsTheServiceExports() throws Exception {
    Set<String> exported = exportedFamilies();
    String dashboard = Files.readString(Path.of("../docker/grafana/hilnas.json"));
    Set<String> queried = new TreeSet<>();
    for (JsonNode expr : Json.MAPPER.readTree(dashboard).findValues("expr")) {
      queried.addAll(metricNames(expr.asText()));
    }
    assertTrue(queried.size() >= 10, "the dashboard queries " + queried);
    Set<String> unknown = new TreeSet<>(queried);
    unknown.removeAll(exported);
    assertEquals(Set.of(), unknown, "queried but not exported; exported: " + exported);
  }

  @Test
  void docsShouldListEveryHilnasMetricTheServiceExports() throws Exception {
    Set<String> exported =
        exportedFamilies().stream()
            .filter(n -> n.startsWith("hilnas_"))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> documented = new TreeSet<>();
    Matcher m =
        Pattern.compile("^\\| `(hilnas_[a-z0-9_]+)`", Pattern.MULTILINE)
            .matcher(Files.readString(Path.of("../docs/metrics.md")));
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> undocumented = new TreeSet<>(exported);
    undocumented.removeAll(documented);
    assertEquals(Set.of(), undocumented);
  }

  @Test
  void everyHilnasMetricSaysWhatItMeasures() throws Exception {
    exportedFamilies(); // once they have all appeared
    // the text format leaves the HELP line out, rather than empty, for a metric without one
    Map<String, String> help = new TreeMap<>();
    Set<String> typed = new TreeSet<>();
    for (String line : get("metrics").lines().toList()) {
      String[] words = line.split(" ", 4);
      if (words.length >= 3 && words[0].equals("#") && words[2].startsWith("hilnas_")) {
        if (words[1].equals("TYPE")) {
          typed.add(words[2]);
        } else if (words[1].equals("HELP") && words.length == 4 && !words[3].isBlank()) {
          help.put(words[2], words[3]);
        }
      }
    }
    assertTrue(typed.size() >= 10, "hilnas metrics exported: " + typed);
    Set<String> unexplained = new TreeSet<>(typed);
    unexplained.removeAll(help.keySet());
    assertEquals(Set.of(), unexplained);
  }

  /**
   * The metric families /metrics exports, once the stack's metrics have all appeared: a sample's
   * name without the suffixes Prometheus adds to a histogram or summary.
   */
  private static Set<String> exportedFamilies() throws Exception {
    await(
        s ->
            s.path("deadLetters").asLong() == OWN_DEAD_LETTERS + 1
                && s.path("pendingCandidates").asLong() == WAITING
                && s.path("targets").size() == 1
                && s.path("targets").get(0).path("frontiers").size() == 2);
    // the progress gauges follow the state the API serves within their refresh; the models' and
    // the frontiers' come from stores read apart (a clean CI run once saw the frontiers' only)
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    List<MetricsText.Sample> samples = MetricsText.parse(get("metrics"));
    while (samples.stream().filter(s -> s.name().equals("hilnas_frontier_points")).count() < 2
        || samples.stream().noneMatch(s -> s.name().equals("hilnas_model_cv_within10_ratio"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the gauges never showed the 2 frontiers and the model the API has: " + samples);
      }
      Thread.sleep(500);
      samples = MetricsText.parse(get("metrics"));
    }
    Set<String> out = new TreeSet<>();
    for (MetricsText.Sample s : samples) {
      out.add(s.name().replaceAll("_(bucket|count|sum|max)$", ""));
      out.add(s.name());
    }
    return out;
  }

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> PROMQL =
      Set.of(
          "sum",
          "rate",
          "irate",
          "increase",
          "by",
          "without",
          "max",
          "min",
          "avg",
          "count",
          "histogram_quantile",
          "le",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "offset",
          "topk",
          "bottomk",
          "delta",
          "deriv",
          "clamp_min",
          "abs",
          "time",
          "vector",
          "scalar",
          "bool",
          "max_over_time",
          "avg_over_time",
          "changes",
          "resets",
          "label_replace",
          "absent");

  /**
   * The metric names in a PromQL expression: identifiers that are not functions, keywords, labels.
   */
  static Set<String> metricNames(String expr) {
    String bare =
        expr.replaceAll("\\{[^}]*}", "") // label matchers
            .replaceAll("\\[[^]]*]", "") // ranges
            .replaceAll("\"[^\"]*\"", "") // strings
            .replaceAll("(by|without|on|ignoring)\\s*\\([^)]*\\)", ""); // grouping labels
    Set<String> out = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String word = m.group();
      if (!PROMQL.contains(word) && !word.startsWith("$") && !word.matches("\\d.*")) {
        out.add(word);
      }
    }
    return out;
  }

  private static JsonNode await(Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      StringWriter out = new StringWriter();
      int code = status(out, "--url", stack.httpUrl(), "--json");
      JsonNode s = code == 0 ? Json.MAPPER.readTree(out.toString()) : null;
      if (s != null && done.test(s)) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the status never got there; last: " + out + " (exit " + code + ")");
      }
      Thread.sleep(500);
    }
  }

  private static int status(StringWriter out, String... args) {
    var cli = HilnasCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    String[] all = new String[args.length + 1];
    all[0] = "status";
    System.arraycopy(args, 0, all, 1, args.length);
    return cli.execute(all);
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.httpUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return r.body();
  }

  private static java.util.Properties withGroup(KafkaConnection kafka) {
    var p = kafka.clientProperties();
    p.put("group.id", AGENTS);
    return p;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Path resource(String name) throws Exception {
    return Path.of(ObservabilityIT.class.getResource("/" + name).toURI());
  }

  private static ImportReport importFile(KafkaConnection kafka, Path file) throws Exception {
    try (var sink = new KafkaMeasurementSink(kafka, "it-import", Clock.systemUTC())) {
      return Importer.run(new MeasurementFile(file, Limits.DEFAULTS), sink);
    }
  }
}
