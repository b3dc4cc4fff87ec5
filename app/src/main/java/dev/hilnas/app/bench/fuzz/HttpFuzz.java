package dev.hilnas.app.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.schemas.json.HostileJson;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.schemas.json.MeasurementJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/**
 * The HTTP API under fuzz, over raw sockets: every GET route's path and query, prediction bodies,
 * and device ingest batches, each with valid requests among the fuzz that must be answered 200.
 */
final class HttpFuzz {
  private static final List<String> QUERY_KEYS =
      List.of("objective", "maxLatencyMs", "target", "live", "%zz", "", "a=b");

  private static final List<String> CONTENT_TYPES =
      List.of(
          "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1");

  /** Tries of a batch answered 429 (Kafka is behind) before it counts as refused. */
  private static final int RETRIES = 5;

  private final FuzzRun run;

  /** A target with a latency model by the time the HTTP paths run: the JSONL import's. */
  private final HardwareTarget modelled;

  HttpFuzz(FuzzRun run, HardwareTarget modelled) {
    this.run = run;
    this.modelled = modelled;
  }

  /** GET paths and queries of models, frontiers, best and targets. */
  Tally get(Random r) throws IOException {
    Tally tally = new Tally("http-get");
    List<String> segments = segments();
    List<String> prefixes =
        List.of(
            "/api/v1/models/",
            "/api/v1/frontiers/",
            "/api/v1/targets",
            "/api/v1/",
            "/",
            "//",
            "/api/v1/models/" + modelled.id(),
            "/api/v1/frontiers/" + modelled.id() + "/best");
    for (int i = 0; i < run.cases(); i++) {
      if (i % 10 == 0) {
        tally.validSent();
        String path = i % 20 == 0 ? "/api/v1/targets" : "/api/v1/models/" + modelled.id();
        if (count(run.stack().get(path), tally) == 200) {
          tally.validAccepted();
        }
        continue;
      }
      tally.sent();
      StringBuilder path = new StringBuilder(prefixes.get(r.nextInt(prefixes.size())));
      StringJoiner tail = new StringJoiner("/");
      for (int n = r.nextInt(5); n > 0; n--) {
        tail.add(segment(segments, r));
      }
      path.append(tail);
      StringJoiner query = new StringJoiner("&", "?", "");
      for (int n = r.nextInt(5); n > 0; n--) {
        query.add(QUERY_KEYS.get(r.nextInt(QUERY_KEYS.size())) + "=" + segment(segments, r));
      }
      if (query.length() > 1) {
        path.append(query);
      }
      // a request line holds no spaces or line breaks: an HTTP client would not send them either
      String line = path.toString().replace(" ", "%20").replace("\r", "").replace("\n", "");
      count(run.stack().get(line), tally);
    }
    return tally;
  }

  /** {@code POST /api/v1/predict}: bodies of one request, or of an array of them. */
  Tally predict(Random r) throws IOException {
    Tally tally = new Tally("http-predict");
    List<String> seeds =
        List.of(
            "{\"target\":\""
                + modelled.id()
                + "\",\"phase\":\"DECODE\",\"contextLength\":128,\"candidate\":"
                + HostileJson.CANDIDATES.get(0)
                + "}",
            "{\"hardware\":\""
                + modelled.hardware()
                + "\",\"runtime\":\""
                + modelled.runtime()
                + "\",\"phase\":\"PREFILL\",\"contextLength\":512,\"candidate\":"
                + HostileJson.CANDIDATES.get(1)
                + "}");
    for (int i = 0; i < run.cases(); i++) {
      if (i % 10 == 0) {
        tally.validSent();
        byte[] body = seeds.get(i % 20 == 0 ? 0 : 1).getBytes(StandardCharsets.UTF_8);
        if (count(post("/api/v1/predict", "application/json", null, body), tally) == 200) {
          tally.validAccepted();
        }
        continue;
      }
      tally.sent();
      byte[] body;
      if (r.nextInt(20) == 0) {
        StringJoiner array = new StringJoiner(",", "[", "]");
        for (int n = 1 + r.nextInt(3); n > 0; n--) {
          array.add(HostileJson.line(seeds, r));
        }
        body = array.toString().getBytes(StandardCharsets.UTF_8);
      } else {
        body = HostileJson.bytes(seeds, r);
      }
      count(post("/api/v1/predict", contentType(r), null, body), tally);
    }
    return tally;
  }

  /**
   * {@code POST /api/v1/measurements} with a device's token: batches of one to five hostile lines,
   * and valid lines in batches of their own, all for the device's target. Whatever the gateway
   * accepts — valid or hostile — the job must count once: the lines carry no measurement id (a
   * mutation cannot add one), and each case's label, agent and time make the derived id the run's
   * own.
   */
  Tally ingest(Random r, String token, HardwareTarget target)
      throws IOException, InterruptedException {
    Tally tally = new Tally("http-ingest");
    List<Measurement> valid =
        Tracers.measurements(target, run.id() + "-ingest", run.cases() / 10 + 1, r.nextLong());
    long before = run.stack().measurements(target.id());
    long expected = 0;
    Instant measuredAt = Instant.now();
    for (int i = 0; i < run.cases(); i++) {
      byte[] body;
      boolean isValid = i % 10 == 0;
      if (isValid) {
        tally.validSent();
        body = MeasurementJson.toJson(valid.get(i / 10)).getBytes(StandardCharsets.UTF_8);
      } else {
        tally.sent();
        List<String> seeds = new ArrayList<>();
        for (String m : HostileJson.MEASUREMENTS) {
          ObjectNode seed = FuzzRun.retarget(m, target);
          seed.remove("measurementId");
          seed.put("candidateId", run.id() + "-" + i)
              .put("agentId", run.id())
              .put("measuredAt", measuredAt.plusSeconds(i).toString());
          seeds.add(seed.toString());
        }
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int n = 1 + r.nextInt(5); n > 0; n--) {
          batch.write(HostileJson.bytes(seeds, r));
          batch.write('\n');
        }
        body = batch.toByteArray();
      }
      LiveStack.Answer answer = post("/api/v1/measurements", "application/x-ndjson", token, body);
      for (int tries = 1; answer.status() == 429 && tries < RETRIES; tries++) {
        Thread.sleep(1000 * Long.parseLong(answer.headers().getOrDefault("retry-after", "1")));
        answer = post("/api/v1/measurements", "application/x-ndjson", token, body);
      }
      if (count(answer, tally) == 200) {
        JsonNode result = Json.MAPPER.readTree(answer.body());
        expected += result.get("accepted").asLong();
        if (isValid && result.get("accepted").asLong() == 1) {
          tally.validAccepted();
        }
        result.get("errors").forEach(e -> tally.reason(e.get("reason").asText()));
      }
    }
    tally.counts(expected, run.awaitCount(target, expected, before));
    return tally;
  }

  private LiveStack.Answer post(String path, String contentType, String token, byte[] body)
      throws IOException {
    String head = "POST " + path + " HTTP/1.1";
    if (contentType != null) {
      head += "\r\nContent-Type: " + contentType;
    }
    if (token != null) {
      head += "\r\nAuthorization: Bearer " + token;
    }
    return run.stack().exchange(head, body);
  }

  /** Counts an answer as accepted (2xx), refused with its reason (4xx), or a server error. */
  private static int count(LiveStack.Answer answer, Tally tally) {
    int status = answer.status();
    if (status >= 200 && status < 300) {
      tally.accepted();
    } else if (status >= 400 && status < 500) {
      tally.rejected(status + ": " + answer.error());
    } else if (status == -1) {
      tally.serverError("no answer: " + answer.body());
    } else {
      tally.serverError(status + ": " + answer.error());
    }
    return status;
  }

  /** JSON, or 1 in 20 times another type or none. */
  private static String contentType(Random r) {
    if (r.nextInt(20) > 0) {
      return "application/json";
    }
    int other = r.nextInt(CONTENT_TYPES.size() + 1);
    return other < CONTENT_TYPES.size() ? CONTENT_TYPES.get(other) : null;
  }

  /** Path and query segments: the run's own names, odd escapes, objectives and numbers. */
  private List<String> segments() {
    return List.of(
        modelled.hardware(),
        modelled.runtime(),
        run.hostileTarget().runtime(),
        "pixel8-cpu",
        "best",
        "",
        "..",
        "%zz",
        "%00",
        "%2F",
        "%",
        "a%2",
        "%C3%28",
        "x".repeat(5000),
        "\u00e9",
        "PREFILL@512",
        "DECODE@0",
        "PREFILL@-1",
        "prefill@99999999999",
        "1e308",
        "NaN",
        "-1",
        "0");
  }

  /**
   * One of the segments, or up to 12 printable ASCII characters; those percent-encoded 3 times in
   * 4, as a client would send them, since the JDK server refuses most of them raw before any route
   * sees them.
   */
  private static String segment(List<String> segments, Random r) {
    if (r.nextBoolean()) {
      return segments.get(r.nextInt(segments.size()));
    }
    char[] random = new char[r.nextInt(13)];
    for (int i = 0; i < random.length; i++) {
      random[i] = (char) ('!' + r.nextInt('~' - '!' + 1));
    }
    String text = new String(random);
    return r.nextInt(4) > 0 ? URLEncoder.encode(text, StandardCharsets.UTF_8) : text;
  }
}
