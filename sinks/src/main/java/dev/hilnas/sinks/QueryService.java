package dev.hilnas.sinks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.hilnas.sinks.http.FrontierApi;
import dev.hilnas.sinks.http.FrontierStream;
import dev.hilnas.sinks.http.HttpJson;
import dev.hilnas.sinks.http.IngestApi;
import dev.hilnas.producers.gateway.IngestGateway;
import dev.hilnas.sinks.http.ModelApi;
import dev.hilnas.sinks.http.WebPage;
import dev.hilnas.sinks.state.FrontierCatalog;
import dev.hilnas.sinks.state.ModelCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The HTTP face of hilnas (JDK HTTP server): {@code GET /healthz}, {@code GET /metrics}
 * (Prometheus text format), the model API ({@link ModelApi}) and the frontier API ({@link
 * FrontierApi}) of DESIGN.md §7, server-sent frontier updates ({@link FrontierStream}), the
 * live Pareto page at {@code /} ({@link WebPage}) and, when given a gateway, device ingest
 * ({@link IngestApi}).
 */
public final class QueryService implements AutoCloseable {

  private final HttpServer server;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final FrontierStream frontierStream = new FrontierStream();

  /**
   * @param port 0 picks a free port
   * @param healthy whether the stack behind the service is running
   * @param models the materialised latency models
   * @param frontiers the materialised frontiers
   */
  public QueryService(
      String host, int port, BooleanSupplier healthy, ModelCatalog models, FrontierCatalog frontiers)
      throws IOException {
    this(host, port, healthy, models, frontiers, null);
  }

  /** @param gateway device ingest at {@code POST /api/v1/measurements}, or null for none */
  public QueryService(
      String host, int port, BooleanSupplier healthy, ModelCatalog models, FrontierCatalog frontiers,
      IngestGateway gateway) throws IOException {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    registry.gauge("hilnas_up", healthy, h -> h.getAsBoolean() ? 1 : 0);
    registry.gauge("hilnas_frontier_stream_subscribers", frontierStream, FrontierStream::subscribers);

    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    // cached, not fixed: every server-sent-event subscriber holds a thread while connected
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "query-service");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4", registry.scrape()));
    server.createContext(
        "/healthz",
        ex -> {
          boolean ok = healthy.getAsBoolean();
          respond(ex, ok ? 200 : 503, "application/json", "{\"status\":\"" + (ok ? "UP" : "DOWN") + "\"}");
        });
    new ModelApi(models).register(server);
    new FrontierApi(frontiers).register(server);
    frontierStream.register(server);
    if (gateway != null) {
      new IngestApi(gateway, registry).register(server);
    }
    new WebPage().register(server);
    server.start();
  }

  /** Where frontier updates are pushed to server-sent-event subscribers. */
  public FrontierStream frontierStream() {
    return frontierStream;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET")) {
        HttpJson.error(ex, 405, "only GET is supported here");
        return;
      }
      HttpJson.send(ex, status, type, body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    gcMetrics.close();
    registry.close();
  }
}
