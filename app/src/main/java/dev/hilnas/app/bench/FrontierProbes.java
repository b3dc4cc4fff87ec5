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
 * evaluation and a measurement at another objective beforehand, then measured at {@link #OBJECTIVE}
 * — and each probe counts as visible when {@code GET /api/v1/frontiers/{target}} first shows it
 * measured there.
 */
final class FrontierProbes {

  static final Objective OBJECTIVE = Objective.parse("PREFILL@512");

  /** Probes per round at most: each round's architectures stay apart from the others'. */
  private static final int MAX_PROBES = Freshness.PROBES;

  /** The first probe's vocabulary size; the records' candidates have 32,000. */
  private static final int PROBE_VOCABULARY = 50_000;

  /** Where a probe is measured first, to see that its evaluation has reached the frontiers. */
  static final Objective PLACED_ON = Objective.parse("DECODE@512");

  private record Probe(int index, String archId, String target) {}

  private final String httpUrl;
  private final List<Probe> probes;
  private final Map<String, Long> measuredAt = new ConcurrentHashMap<>(); // archId -> nanoTime

  private FrontierProbes(String httpUrl, List<Probe> probes) {
    this.httpUrl = httpUrl.replaceAll("/+$", "");
    this.probes = probes;
  }

  /**
   * Replaces {@code count} of {@code records}, spread evenly, by probes of the same targets: each a
   * candidate with a quality evaluation and a measurement at {@link #PLACED_ON}, sent now. Returns
   * once every probe shows there, measured, so that the evaluation has reached the frontiers before
   * the probe's own measurement at {@link #OBJECTIVE} is sent with the records.
   *
   * <p>A probe hidden among more than {@link dev.hilnas.schemas.FrontierUpdates#MAX_OTHERS} faster
   * dominated points would never be seen (with thousands of evaluations it was), so no other point
   * dominates a measured probe: evaluations are worse (perplexity 100 and up), and so are the
   * probes of earlier rounds (each round's perplexities lie below the last's). Within a round, a
   * probe with a better perplexity is measured slower, at 0.001-0.02 ms: far below anything else
   * measured, so even a probe some prediction dominated would lead the dominated points an update
   * carries. And no record measures a probe's architecture, which would move its latency.
   *
   * @param round this run's how manieth set of probes (0 first)
   */
  static FrontierProbes place(
      List<Measurement> records,
      int count,
      int round,
      long seed,
      KafkaConnection kafka,
      HttpClient client,
      String httpUrl)
      throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    double band = 10 / Math.pow(2, round); // this round's perplexities: (band / 2, band]
    List<Probe> probes = new ArrayList<>();
    try (KafkaMeasurementSink sink =
        new KafkaMeasurementSink(kafka, "bench-freshness-probes", Clock.systemUTC())) {
      for (int i = 0; i < count; i++) {
        int index = (int) ((i + 0.5) * records.size() / count);
        Measurement replaced = records.get(index);
        // an architecture of its own: one the records measured too would have their latencies
        Candidate candidate =
            SyntheticMeasurements.candidate(random, PROBE_VOCABULARY + round * MAX_PROBES + i);
        String id = "probe-" + seed + "-" + i;
        double latencyMs = 1e-3 * (i + 1);
        sink.accept(
            new Quality(
                id, candidate, Quality.PERPLEXITY, band * (1 - 0.5 * i / count), null, null));
        sink.accept(measurement(id + "-placed", candidate, replaced, PLACED_ON, latencyMs));
        records.set(index, measurement(id, candidate, replaced, OBJECTIVE, latencyMs));
        probes.add(new Probe(index, candidate.archId(), replaced.target().id()));
      }
      sink.flush();
    }
    FrontierProbes placed = new FrontierProbes(httpUrl, probes);
    placed.awaitMeasured(client, PLACED_ON);
    return placed;
  }

  private static Measurement measurement(
      String id, Candidate candidate, Measurement replaced, Objective objective, double ms) {
    return Measurement.of(
        id,
        candidate,
        replaced.target(),
        objective.phase(),
        objective.contextLength(),
        ms,
        List.of(ms));
  }

  private void awaitMeasured(HttpClient client, Objective objective) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (Probe p : probes) {
      while (!measured(pointOf(client, p, objective))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "probe "
                  + p.archId()
                  + " did not show measured on the "
                  + p.target()
                  + " "
                  + objective
                  + " frontier in 2 minutes");
        }
        Thread.sleep(Freshness.POLL_MS);
      }
    }
  }

  private static boolean measured(JsonNode point) {
    return point != null && "measured".equals(point.path("latencySource").asText());
  }

  /** One round: notes the probes now shown as measured. */
  void poll(HttpClient client) throws Exception {
    for (Probe p : probes) {
      if (measuredAt.containsKey(p.archId())) {
        continue;
      }
      long at = System.nanoTime();
      if (measured(pointOf(client, p, OBJECTIVE))) {
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

  private JsonNode pointOf(HttpClient client, Probe p, Objective objective) throws Exception {
    URI uri =
        URI.create(
            httpUrl
                + "/api/v1/frontiers/"
                + p.target()
                + "?objective="
                + URLEncoder.encode(objective.toString(), StandardCharsets.UTF_8));
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
