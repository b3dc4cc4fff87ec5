package dev.hilnas.sinks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.http.HttpJson;
import dev.hilnas.schemas.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@code GET /api/v1/stream/frontiers[?target=..][&objective=..]}: server-sent events, one {@code
 * frontier} event per frontier update, as the JSON of {@code GET /api/v1/frontiers}. A subscriber
 * that falls {@value #BACKLOG} updates behind is dropped (the browser's EventSource reconnects); a
 * comment after {@value #HEARTBEAT_SECONDS} s without an event finds closed connections.
 * Thread-safe.
 *
 * <p>Subscribers hold no thread: the request's thread hands the exchange to an {@link EventFanOut}
 * and returns, and a fixed set of writer threads serves every subscriber. There are at most {@code
 * maxClients} subscribers; one more gets 503.
 */
public final class FrontierStream implements AutoCloseable {

  static final int BACKLOG = 256;
  static final int HEARTBEAT_SECONDS = 15;

  /** Writer threads when not told otherwise. */
  public static final int DEFAULT_WRITERS = 4;

  private final int maxClients;
  private final EventFanOut<FrontierUpdate> fanOut;

  /**
   * @param maxClients subscribers served at once
   * @param writers threads that write to all of them
   */
  public FrontierStream(int maxClients, int writers) {
    this.maxClients = maxClients;
    this.fanOut =
        new EventFanOut<>(
            "frontier-stream", maxClients, writers, BACKLOG, Duration.ofSeconds(HEARTBEAT_SECONDS));
  }

  public void register(HttpServer server) {
    server.createContext(
        "/api/v1/stream/frontiers", ex -> HttpJson.handleStream(ex, "GET", this::subscribe));
  }

  /**
   * Hands an update to every subscriber that wants it, encoded once for all of them; never blocks.
   */
  public void publish(FrontierUpdate update) {
    fanOut.publish(update, () -> event(update));
  }

  private static byte[] event(FrontierUpdate update) {
    try {
      return ("event: frontier\ndata: "
              + Json.MAPPER.writeValueAsString(FrontierApi.json(update))
              + "\n\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a frontier as JSON", e);
    }
  }

  /** Subscribers now connected. */
  public int subscribers() {
    return fanOut.subscribers();
  }

  /** Subscribers dropped so far for falling {@value #BACKLOG} updates behind. */
  public int fellBehind() {
    return fanOut.fellBehind();
  }

  /** Stops the writers; subscribers still connected get no more events. */
  @Override
  public void close() {
    fanOut.close();
  }

  private void subscribe(HttpExchange ex) {
    Map<String, String> query = HttpJson.query(ex);
    String target = query.get("target");
    String objective = query.get("objective");
    boolean added =
        fanOut.add(
            ex,
            u ->
                (target == null || target.equals(u.getTargetId()))
                    && (objective == null || objective.equals(u.getObjective())));
    if (!added) {
      throw new HttpJson.ClientError(
          503, "the frontier stream has its " + maxClients + " subscribers; retry later");
    }
  }
}
