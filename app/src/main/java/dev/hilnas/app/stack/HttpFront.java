package dev.hilnas.app.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hilnas.schemas.http.HttpJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The one HTTP server of a hilnas process (JDK HTTP server): {@code GET /healthz}, {@code GET
 * /metrics} (Prometheus text format), and the routes the modules bring — the query service of
 * {@code sinks}, device ingest of {@code producers} — each registered on it.
 */
public final class HttpFront implements AutoCloseable {

  private final HttpServer server;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

  /**
   * @param port 0 picks a free port
   * @param healthy whether the stack behind the server is running
   */
  public HttpFront(String host, int port, BooleanSupplier healthy) throws IOException {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    registry.gauge("hilnas_up", healthy, h -> h.getAsBoolean() ? 1 : 0);

    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    // cached, not fixed: every server-sent-event subscriber holds a thread while connected
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "http");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4", registry.scrape()));
    server.createContext(
        "/healthz",
        ex -> {
          boolean ok = healthy.getAsBoolean();
          respond(
              ex,
              ok ? 200 : 503,
              "application/json",
              "{\"status\":\"" + (ok ? "UP" : "DOWN") + "\"}");
        });
  }

  /** Where the routes count what they serve. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Registers a module's routes; call before {@link #start()}. */
  public HttpFront route(Consumer<HttpServer> routes) {
    routes.accept(server);
    return this;
  }

  public HttpFront start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
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
