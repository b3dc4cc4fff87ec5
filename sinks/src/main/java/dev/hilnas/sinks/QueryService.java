package dev.hilnas.sinks;

import com.sun.net.httpserver.HttpServer;
import dev.hilnas.core.Limits;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.sinks.http.FrontierApi;
import dev.hilnas.sinks.http.FrontierStream;
import dev.hilnas.sinks.http.ModelApi;
import dev.hilnas.sinks.http.WebPage;
import dev.hilnas.sinks.state.FrontierCatalog;
import dev.hilnas.sinks.state.ModelCatalog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The query side of the HTTP API over the materialised state: the model API ({@link ModelApi}), the
 * frontier API ({@link FrontierApi}), server-sent frontier updates ({@link FrontierStream}) and the
 * live Pareto page at {@code /} ({@link WebPage}). The server it registers on, with health and
 * metrics, is composed by the app.
 */
public final class QueryService {

  private final ModelCatalog models;
  private final FrontierCatalog frontiers;
  private final Limits limits;
  private final FrontierStream frontierStream;

  /**
   * @param limits what prediction requests may ask about
   * @param streamClients frontier-stream subscribers served at once; one more gets 503
   * @param streamWriters threads that write to all of those subscribers
   */
  public QueryService(
      ModelCatalog models,
      FrontierCatalog frontiers,
      Limits limits,
      MeterRegistry registry,
      int streamClients,
      int streamWriters) {
    this.models = models;
    this.frontiers = frontiers;
    this.limits = limits;
    this.frontierStream = new FrontierStream(streamClients, streamWriters);
    registry.gauge(
        "hilnas_frontier_stream_subscribers", frontierStream, FrontierStream::subscribers);
    FunctionCounter.builder(
            "hilnas_frontier_stream_dropped_total", frontierStream, FrontierStream::fellBehind)
        .description("event-stream subscribers dropped for falling behind")
        .register(registry);
  }

  public void register(HttpServer server) {
    new ModelApi(models, limits).register(server);
    new FrontierApi(frontiers).register(server);
    frontierStream.register(server);
    new WebPage().register(server);
  }

  /**
   * A new frontier from the feed: remembered for {@code GET} (no store read, no decoding) and
   * pushed to the event-stream subscribers.
   */
  public void frontierUpdated(FrontierUpdate update) {
    frontiers.remember(update);
    frontierStream.publish(update);
  }

  /** Where frontier updates are pushed to server-sent-event subscribers. */
  public FrontierStream frontierStream() {
    return frontierStream;
  }
}
