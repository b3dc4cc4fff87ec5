package dev.hilnas.sinks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.http.HttpJson;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/stream/frontiers[?target=..][&objective=..]}: server-sent events, one {@code
 * frontier} event per frontier update, as the JSON of {@code GET /api/v1/frontiers}. A subscriber
 * that falls {@value #BACKLOG} updates behind is dropped (the browser's EventSource reconnects); a
 * comment every {@value #HEARTBEAT_SECONDS} s finds closed connections. Thread-safe.
 *
 * <p>Each subscriber is written to by a thread of this stream's own, so subscribers never hold the
 * server's threads; there are at most {@code maxClients} of them, and one more subscriber gets 503.
 */
public final class FrontierStream {

  private static final Logger log = LoggerFactory.getLogger(FrontierStream.class);

  static final int BACKLOG = 256;
  static final int HEARTBEAT_SECONDS = 15;

  private record Subscriber(String target, String objective, BlockingQueue<String> events) {
    boolean wants(FrontierUpdate u) {
      return (target == null || target.equals(u.getTargetId()))
          && (objective == null || objective.equals(u.getObjective()));
    }
  }

  private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final int maxClients;
  private final ThreadPoolExecutor writers;

  /**
   * @param maxClients subscribers served at once
   */
  public FrontierStream(int maxClients) {
    this.maxClients = maxClients;
    AtomicInteger n = new AtomicInteger();
    // no queue: a subscriber beyond maxClients is refused, not kept waiting
    this.writers =
        new ThreadPoolExecutor(
            0,
            maxClients,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "frontier-stream-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public void register(HttpServer server) {
    server.createContext(
        "/api/v1/stream/frontiers", ex -> HttpJson.handleStream(ex, "GET", this::subscribe));
  }

  /** Hands an update to every subscriber that wants it; never blocks. Call from one thread. */
  public void publish(FrontierUpdate update) {
    String event;
    try {
      event =
          "event: frontier\ndata: "
              + Json.MAPPER.writeValueAsString(FrontierApi.json(update))
              + "\n\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a frontier as JSON", e);
    }
    for (Subscriber s : subscribers) {
      if (!s.wants(update)) {
        continue;
      }
      if (s.events().remainingCapacity() > 1) {
        s.events().offer(event);
      } else { // too slow: the last slot carries the end of its stream; EventSource reconnects
        subscribers.remove(s);
        s.events().offer("");
      }
    }
  }

  /** Subscribers now connected. */
  public int subscribers() {
    return subscribers.size();
  }

  private void subscribe(HttpExchange ex) {
    Map<String, String> query = HttpJson.query(ex);
    Subscriber s =
        new Subscriber(
            query.get("target"), query.get("objective"), new ArrayBlockingQueue<>(BACKLOG + 1));
    try {
      writers.execute(() -> stream(ex, s));
    } catch (RejectedExecutionException e) {
      throw new HttpJson.ClientError(
          503, "the frontier stream has its " + maxClients + " subscribers; retry later");
    }
  }

  private void stream(HttpExchange ex, Subscriber s) {
    subscribers.add(s);
    try (ex;
        OutputStream out = ex.getResponseBody()) {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      ex.sendResponseHeaders(200, 0);
      out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String event = s.events().poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
        if (event != null && event.isEmpty()) {
          return; // dropped for falling behind
        }
        out.write((event == null ? ": heartbeat\n\n" : event).getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    } catch (RuntimeException e) {
      log.error("frontier stream to {} failed", ex.getRemoteAddress(), e);
    } finally {
      subscribers.remove(s);
    }
  }
}
