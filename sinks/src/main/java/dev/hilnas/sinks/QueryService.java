package dev.hilnas.sinks;

import com.sun.net.httpserver.HttpServer;
import dev.hilnas.core.Limits;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.sinks.http.CalibrationApi;
import dev.hilnas.sinks.http.FrontierApi;
import dev.hilnas.sinks.http.FrontierStream;
import dev.hilnas.sinks.http.HistoryApi;
import dev.hilnas.sinks.http.ModelApi;
import dev.hilnas.sinks.http.ProgressApi;
import dev.hilnas.sinks.http.WebPage;
import dev.hilnas.sinks.state.FrontierCatalog;
import dev.hilnas.sinks.state.FrontierHistory;
import dev.hilnas.sinks.state.ModelCatalog;
import dev.hilnas.sinks.state.ProgressCatalog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The query side of the HTTP API over the materialised state: the model API ({@link ModelApi}), the
 * frontier API ({@link FrontierApi}), the model's calibration ({@link CalibrationApi}), hypervolume
 * over time ({@link HistoryApi}), the search's progress ({@link ProgressApi}), server-sent frontier
 * updates ({@link FrontierStream}) and the live Pareto page at {@code /} ({@link WebPage}). The
 * server it registers on, with health and metrics, is composed by the app.
 */
public final class QueryService {

  private final ModelCatalog models;
  private final FrontierCatalog frontiers;
  private final Limits limits;
  private final FrontierStream frontierStream;
  private final FrontierHistory history = new FrontierHistory();
  private final ProgressCatalog progress;
  private final Function<String, OptionalLong> agentLag;

  /**
   * Without the search's progress ({@code /api/v1/progress} answers 404).
   *
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
    this(
        models,
        frontiers,
        null,
        target -> OptionalLong.empty(),
        limits,
        registry,
        streamClients,
        streamWriters);
  }

  /**
   * @param progress the search's requests and failed attempts, or null for none
   * @param agentLag a target's agents' lag on hil.candidates; empty when unknown
   * @param limits what prediction requests may ask about
   * @param streamClients frontier-stream subscribers served at once; one more gets 503
   * @param streamWriters threads that write to all of those subscribers
   */
  public QueryService(
      ModelCatalog models,
      FrontierCatalog frontiers,
      ProgressCatalog progress,
      Function<String, OptionalLong> agentLag,
      Limits limits,
      MeterRegistry registry,
      int streamClients,
      int streamWriters) {
    this.models = models;
    this.frontiers = frontiers;
    this.progress = progress;
    this.agentLag = agentLag;
    this.limits = limits;
    this.frontierStream = new FrontierStream(streamClients, streamWriters);
    Gauge.builder("hilnas_frontier_stream_subscribers", frontierStream, FrontierStream::subscribers)
        .description("clients of the frontier event stream now")
        .register(registry);
    FunctionCounter.builder(
            "hilnas_frontier_stream_dropped_total", frontierStream, FrontierStream::fellBehind)
        .description("event-stream subscribers dropped for falling behind")
        .register(registry);
  }

  public void register(HttpServer server) {
    new ModelApi(models, limits).register(server);
    new FrontierApi(frontiers).register(server);
    new CalibrationApi(models, frontiers).register(server);
    new HistoryApi(frontiers, history).register(server);
    if (progress != null) {
      new ProgressApi(progress, models, agentLag).register(server);
    }
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

  /** Where frontier updates are kept for hypervolume over time; feed it every update. */
  public FrontierHistory frontierHistory() {
    return history;
  }

  /** Where frontier updates are pushed to server-sent-event subscribers. */
  public FrontierStream frontierStream() {
    return frontierStream;
  }
}
