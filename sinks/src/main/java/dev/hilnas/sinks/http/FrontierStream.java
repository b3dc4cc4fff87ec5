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
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/stream/frontiers[?target=..][&objective=..]}: server-sent events, one {@code
 * frontier} event per frontier update, as the JSON of {@code GET /api/v1/frontiers}. A subscriber
 * that falls {@value #BACKLOG} updates behind is dropped (the browser's EventSource reconnects); a
 * comment every {@value #HEARTBEAT_SECONDS} s finds closed connections. Thread-safe.
 */
public final class FrontierStream {

  static final int BACKLOG = 256;
  static final int HEARTBEAT_SECONDS = 15;

  private record Subscriber(String target, String objective, BlockingQueue<String> events) {
    boolean wants(FrontierUpdate u) {
      return (target == null || target.equals(u.getTargetId()))
          && (objective == null || objective.equals(u.getObjective()));
    }
  }

  private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();

  public void register(HttpServer server) {
    server.createContext(
        "/api/v1/stream/frontiers", ex -> HttpJson.handle(ex, "GET", this::stream));
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

  private void stream(HttpExchange ex) throws IOException {
    Map<String, String> query = HttpJson.query(ex);
    Subscriber s =
        new Subscriber(
            query.get("target"), query.get("objective"), new ArrayBlockingQueue<>(BACKLOG + 1));
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, 0);
    subscribers.add(s);
    try (OutputStream out = ex.getResponseBody()) {
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
    } finally {
      subscribers.remove(s);
    }
  }
}
