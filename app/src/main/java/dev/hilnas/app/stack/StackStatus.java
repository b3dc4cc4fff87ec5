package dev.hilnas.app.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A running stack at a glance, read from its HTTP API: {@code /healthz}, {@code /api/v1/targets},
 * each target's {@code /api/v1/frontiers/{target}} and {@code /metrics} (dead letters and consumer
 * lag, see {@link KafkaBacklog}). What {@code hilnas status} prints and the demo's status line
 * shows.
 *
 * @param url the stack's root, {@code http://localhost:8080/}
 * @param up whether {@code /healthz} said UP
 * @param loading whether the query service's state was still loading (then there are no targets)
 * @param targets by target id
 * @param pendingCandidates candidates on hil.candidates no agent has taken yet (the agents' groups'
 *     lag there)
 * @param deadLetters records on hil.dlq
 * @param consumerLag every hilnas consumer group's lag per topic
 */
public record StackStatus(
    String url,
    boolean up,
    boolean loading,
    List<Target> targets,
    long pendingCandidates,
    long deadLetters,
    List<Lag> consumerLag) {

  /**
   * @param cvWithin10 share of cross-validated predictions within 10%, null before a model
   * @param cvMape cross-validated mean absolute percentage error, null before a model
   */
  public record Target(
      String target,
      long measurements,
      String modelKind,
      Double cvWithin10,
      Double cvMape,
      List<Frontier> frontiers) {}

  public record Frontier(String objective, int points, double hypervolume) {}

  public record Lag(String group, String topic, long records) {}

  /**
   * Asks the stack at {@code url}.
   *
   * @throws IOException when it does not answer, or answers what is not its API
   */
  public static StackStatus fetch(HttpClient http, String url)
      throws IOException, InterruptedException {
    String root = url.endsWith("/") ? url : url + "/";
    HttpResponse<String> health = get(http, root + "healthz");
    boolean up = health.statusCode() == 200;
    HttpResponse<String> targets = get(http, root + "api/v1/targets");
    boolean loading = targets.statusCode() == 503;
    List<Target> out = new ArrayList<>();
    if (targets.statusCode() == 200) {
      for (JsonNode t : Json.readTree(targets.body())) {
        String id = t.path("target").asText();
        out.add(
            new Target(
                id,
                t.path("measurements").asLong(),
                t.path("modelKind").isNull() ? null : t.path("modelKind").asText(null),
                number(t.path("cvWithin10")),
                number(t.path("cvMape")),
                frontiers(http, root, id)));
      }
    } else if (!loading) {
      throw new IOException(
          root + "api/v1/targets answered " + targets.statusCode() + ": " + targets.body());
    }
    HttpResponse<String> metrics = get(http, root + "metrics");
    if (metrics.statusCode() != 200) {
      throw new IOException(root + "metrics answered " + metrics.statusCode());
    }
    long dead = 0;
    long pending = 0;
    List<Lag> lag = new ArrayList<>();
    for (MetricsText.Sample s : MetricsText.parse(metrics.body())) {
      if (s.name().equals(KafkaBacklog.DEAD_LETTERS)) {
        dead += (long) s.value();
      } else if (s.name().equals(KafkaBacklog.CONSUMER_LAG)) {
        Lag l = new Lag(s.labels().get("group"), s.labels().get("topic"), (long) s.value());
        lag.add(l);
        if (l.topic().equals(Topics.CANDIDATES.name())
            && l.group().startsWith(ConsumerGroups.AGENT_PREFIX)) {
          pending += l.records();
        }
      }
    }
    return new StackStatus(root, up, loading, out, pending, dead, lag);
  }

  private static List<Frontier> frontiers(HttpClient http, String root, String target)
      throws IOException, InterruptedException {
    HttpResponse<String> r = get(http, root + "api/v1/frontiers/" + target);
    List<Frontier> out = new ArrayList<>();
    if (r.statusCode() == 200) {
      for (JsonNode f : Json.readTree(r.body())) {
        out.add(
            new Frontier(
                f.path("objective").asText(),
                f.path("points").size(),
                f.path("hypervolume").asDouble()));
      }
    }
    return out;
  }

  private static Double number(JsonNode n) {
    return n.isNumber() ? n.asDouble() : null;
  }

  private static HttpResponse<String> get(HttpClient http, String url)
      throws IOException, InterruptedException {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      throw new IOException("nothing answers at " + url + " (is `hilnas serve` running?)", e);
    }
  }

  /**
   * One line: per target its measurements and frontier sizes, then what waits: {@code 11
   * measurements, frontier points DECODE@256 5, PREFILL@256 2 · 2 waiting for an agent · 0 dead
   * letters}.
   */
  public String oneLine() {
    if (loading) {
      return "state loading";
    }
    String perTarget =
        targets.isEmpty()
            ? "no measurements yet"
            : targets.stream()
                .map(
                    t ->
                        (targets.size() > 1 ? t.target() + ": " : "")
                            + t.measurements()
                            + (t.measurements() == 1 ? " measurement" : " measurements")
                            + (t.frontiers().isEmpty()
                                ? ""
                                : ", frontier points "
                                    + t.frontiers().stream()
                                        .map(f -> f.objective() + " " + f.points())
                                        .collect(Collectors.joining(", "))))
                .collect(Collectors.joining(" · "));
    return String.format(
        Locale.ROOT,
        "%s · %d waiting for an agent · %d dead letter%s%s",
        perTarget,
        pendingCandidates,
        deadLetters,
        deadLetters == 1 ? "" : "s",
        up ? "" : " · DOWN");
  }
}
