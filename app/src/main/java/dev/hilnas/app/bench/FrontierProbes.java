package dev.hilnas.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.producers.kafka.KafkaMeasurementSink;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Frontier freshness: a few of a run's measurements are probes — candidates given a quality
 * evaluation beforehand, so that they are on their target's frontier as predicted points, then
 * measured at {@link #OBJECTIVE} — and each probe counts as visible when {@code GET
 * /api/v1/frontiers/{target}} first shows it as measured.
 */
final class FrontierProbes {

  static final Objective OBJECTIVE = Objective.parse("PREFILL@512");

  private record Probe(int index, String archId, String target) {}

  private final String httpUrl;
  private final List<Probe> probes;
  private final Map<String, Long> measuredAt = new ConcurrentHashMap<>(); // archId -> nanoTime

  private FrontierProbes(String httpUrl, List<Probe> probes) {
    this.httpUrl = httpUrl.replaceAll("/+$", "");
    this.probes = probes;
  }

  /**
   * Replaces {@code count} of {@code records}, spread evenly, by probes of the same targets, and
   * publishes an evaluation of each probe's candidate; returns once every probe shows on its
   * frontier (predicted: its target has a model).
   */
  static FrontierProbes place(
      List<Measurement> records,
      int count,
      long seed,
      KafkaConnection kafka,
      HttpClient client,
      String httpUrl)
      throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    List<Probe> probes = new ArrayList<>();
    try (KafkaMeasurementSink sink =
        new KafkaMeasurementSink(kafka, "bench-freshness-probes", Clock.systemUTC())) {
      for (int i = 0; i < count; i++) {
        int index = (int) ((i + 0.5) * records.size() / count);
        Measurement replaced = records.get(index);
        Candidate candidate = SyntheticMeasurements.candidate(random);
        double latencyMs = 0.5 + 100 * random.nextDouble();
        records.set(
            index,
            Measurement.of(
                "probe-" + seed + "-" + i,
                candidate,
                replaced.target(),
                OBJECTIVE.phase(),
                OBJECTIVE.contextLength(),
                latencyMs,
                List.of(latencyMs)));
        Quality quality =
            new Quality(
                "probe-" + seed + "-" + i, candidate, Quality.PERPLEXITY, 10 + i, null, null);
        sink.accept(quality);
        probes.add(new Probe(index, candidate.archId(), replaced.target().id()));
      }
      sink.flush();
    }
    FrontierProbes placed = new FrontierProbes(httpUrl, probes);
    placed.awaitOnFrontiers(client);
    return placed;
  }

  private void awaitOnFrontiers(HttpClient client) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (Probe p : probes) {
      while (pointOf(client, p) == null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "probe "
                  + p.archId()
                  + " did not reach the "
                  + p.target()
                  + " frontier in 2 minutes");
        }
        Thread.sleep(Freshness.POLL_MS);
      }
    }
  }

  /** One round: notes the probes now shown as measured. */
  void poll(HttpClient client) throws Exception {
    for (Probe p : probes) {
      if (measuredAt.containsKey(p.archId())) {
        continue;
      }
      long at = System.nanoTime();
      JsonNode point = pointOf(client, p);
      if (point != null && "measured".equals(point.path("latencySource").asText())) {
        measuredAt.putIfAbsent(p.archId(), at);
      }
    }
  }

  boolean allMeasured() {
    return measuredAt.size() == probes.size();
  }

  /** Each probe's time from its acknowledgement to its frontier showing it measured, ms. */
  double[] delaysMs(long[] ackedAt) {
    double[] ms = new double[probes.size()];
    for (int i = 0; i < ms.length; i++) {
      Probe p = probes.get(i);
      ms[i] = (measuredAt.get(p.archId()) - ackedAt[p.index()]) / 1e6;
    }
    return ms;
  }

  private JsonNode pointOf(HttpClient client, Probe p) throws Exception {
    URI uri =
        URI.create(
            httpUrl
                + "/api/v1/frontiers/"
                + p.target()
                + "?objective="
                + URLEncoder.encode(OBJECTIVE.toString(), StandardCharsets.UTF_8));
    HttpResponse<String> r =
        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return null; // no frontier yet
    }
    JsonNode frontier = Json.MAPPER.readTree(r.body());
    for (String list : List.of("points", "others")) {
      for (JsonNode point : frontier.path(list)) {
        if (p.archId().equals(point.path("archId").asText())) {
          return point;
        }
      }
    }
    return null;
  }
}
