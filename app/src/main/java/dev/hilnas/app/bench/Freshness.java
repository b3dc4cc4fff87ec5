package dev.hilnas.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Statistics;
import dev.hilnas.producers.kafka.ProducerSettings;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Freshness of the pipeline at a fixed offered rate: for each measurement, the time from Kafka's
 * acknowledgement of it to the query API counting it ({@code GET /api/v1/targets}, the summary
 * {@code GET /api/v1/models/{target}} also gives: the target's {@code measurements} reaching the
 * measurement's place among its target's records), and for a few probes among them, to their
 * target's frontier showing them measured ({@link FrontierProbes}). The job's output is
 * exactly-once, so it becomes visible when the checkpoint after it commits; the API is polled every
 * {@value #POLL_MS} ms, which adds up to that much.
 */
public final class Freshness {

  static final long POLL_MS = 10;

  /** Probes per rate, for the frontiers' freshness. */
  static final int PROBES = 20;

  /**
   * One offered rate's figures; {@code offeredPerSecond} 0 is "as fast as it goes". {@code p50Ms} …
   * {@code maxMs}: every record, to its model's count; {@code frontier}: the probes, to their
   * frontier.
   */
  public record Result(
      double offeredPerSecond,
      double sentPerSecond,
      int records,
      double p50Ms,
      double p99Ms,
      double maxMs,
      Delays frontier) {}

  /** Quantiles of delays, ms, over {@code n} records. */
  public record Delays(int n, double p50Ms, double p99Ms, double maxMs) {
    static Delays of(double[] ms) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : ms) {
        max = Math.max(max, v);
      }
      return new Delays(
          ms.length, Statistics.quantile(ms, 0.5), Statistics.quantile(ms, 0.99), max);
    }
  }

  private Freshness() {}

  /** Measurements a rate of {@code records} sends besides them: each probe's first. */
  static int placed(int records) {
    return Math.min(PROBES, records);
  }

  /** The API's count per target, once they come to {@code total} together. */
  private static Map<String, Long> awaitCounted(HttpClient client, URI models, long total)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    Map<String, Long> counts = counts(client, models);
    while (counts.values().stream().mapToLong(Long::longValue).sum() < total) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the API did not count the " + total + " earlier records within 5 minutes");
      }
      Thread.sleep(POLL_MS);
      counts = counts(client, models);
    }
    return counts;
  }

  /**
   * Sends {@code records} at {@code perSecond} (0: unpaced) and waits until the API counts them
   * all.
   *
   * @param round how many rates this run measured before (its probes must stand out from theirs)
   */
  static Result measure(
      KafkaConnection kafka,
      String httpUrl,
      long countedBefore,
      int round,
      List<Measurement> generated,
      double perSecond)
      throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    List<Measurement> records = new ArrayList<>(generated);
    URI models = URI.create(httpUrl.replaceAll("/+$", "") + "/api/v1/targets");
    // everything sent before must be counted, or a record's place would be taken for an earlier one
    awaitCounted(client, models, countedBefore);
    int probeCount = placed(records.size());
    FrontierProbes probes =
        FrontierProbes.place(records, probeCount, round, countedBefore, kafka, client, httpUrl);
    Map<String, Long> base = awaitCounted(client, models, countedBefore + probeCount); // theirs too
    // each record's place among its target's: visible once the target's count reaches it
    long[] place = new long[records.size()];
    Map<String, Long> next = new HashMap<>(base);
    List<byte[][]> serialized = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      Measurement m = records.get(i);
      place[i] = next.merge(m.target().id(), 1L, Long::sum);
      serialized.add(
          new byte[][] {
            m.target().id().getBytes(StandardCharsets.UTF_8),
            Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, Convert.toAvro(m))
          });
    }
    // per target: (count, first seen) in the order the poller saw them
    Map<String, List<long[]>> seen = new ConcurrentHashMap<>();
    AtomicBoolean polling = new AtomicBoolean(true);
    Thread poller =
        poller(
            "bench-freshness-poller",
            polling::get,
            () -> {
              long at = System.nanoTime();
              counts(client, models)
                  .forEach(
                      (target, count) -> {
                        List<long[]> s =
                            seen.computeIfAbsent(target, t -> new CopyOnWriteArrayList<>());
                        if (s.isEmpty() || s.get(s.size() - 1)[0] < count) {
                          s.add(new long[] {count, at});
                        }
                      });
            });
    Thread probePoller =
        poller(
            "bench-freshness-probes",
            () -> polling.get() && !probes.allMeasured(),
            () -> probes.poll(client));
    long[] ackedAt = new long[records.size()];
    long start;
    long sentEnd;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(ProducerSettings.reliable(kafka, "bench-freshness"))) {
      start = System.nanoTime();
      for (int i = 0; i < serialized.size(); i++) {
        if (perSecond > 0) {
          long due = start + (long) (i * 1e9 / perSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        int n = i;
        producer.send(
            new ProducerRecord<>(
                Topics.MEASUREMENTS.name(), serialized.get(i)[0], serialized.get(i)[1]),
            (metadata, e) -> {
              if (e == null) {
                ackedAt[n] = System.nanoTime();
              }
            });
      }
      producer.flush();
      sentEnd = System.nanoTime();
    }
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (!reached(seen, next) || !probes.allMeasured()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the API did not count all records (or show all probes) within 5 minutes: "
                  + next
                  + " sent, "
                  + seen);
        }
        Thread.sleep(POLL_MS);
      }
    } finally {
      polling.set(false);
      poller.join(1000);
      probePoller.join(1000);
    }
    double[] ms = new double[records.size()];
    for (int i = 0; i < records.size(); i++) {
      if (ackedAt[i] == 0) {
        throw new IllegalStateException("record " + i + " was not acknowledged");
      }
      long visible = firstAtLeast(seen.get(records.get(i).target().id()), place[i]);
      ms[i] = (visible - ackedAt[i]) / 1e6;
    }
    Delays all = Delays.of(ms);
    return new Result(
        perSecond,
        records.size() / ((sentEnd - start) / 1e9),
        records.size(),
        all.p50Ms(),
        all.p99Ms(),
        all.maxMs(),
        Delays.of(probes.delaysMs(ackedAt)));
  }

  /** One poll of the API. */
  private interface Poll {
    void run() throws Exception;
  }

  /** A started daemon thread that polls every {@value #POLL_MS} ms while {@code go} says so. */
  private static Thread poller(String name, BooleanSupplier go, Poll poll) {
    Thread t =
        new Thread(
            () -> {
              while (go.getAsBoolean()) {
                try {
                  poll.run();
                  Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  // a poll that failed (the API loading) is followed by the next
                }
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static boolean reached(Map<String, List<long[]>> seen, Map<String, Long> expected) {
    for (var e : expected.entrySet()) {
      List<long[]> s = seen.get(e.getKey());
      if (s == null || s.isEmpty() || s.get(s.size() - 1)[0] < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static long firstAtLeast(List<long[]> seen, long count) {
    for (long[] s : seen) {
      if (s[0] >= count) {
        return s[1];
      }
    }
    throw new IllegalStateException("never counted " + count);
  }

  /** Each target's accepted measurements, as the API says now. */
  private static Map<String, Long> counts(HttpClient client, URI models) throws Exception {
    HttpResponse<String> r =
        client.send(HttpRequest.newBuilder(models).build(), HttpResponse.BodyHandlers.ofString());
    Map<String, Long> out = new HashMap<>();
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + models + ": " + r.statusCode());
    }
    for (JsonNode model : Json.MAPPER.readTree(r.body())) {
      out.put(model.get("target").asText(), model.get("measurements").asLong());
    }
    return out;
  }
}
