package dev.hilnas.app.stack;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.hilnas.schemas.http.HttpJson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server of a hilnas process (JDK HTTP server, HTTPS with a keystore): {@code GET
 * /healthz}, {@code GET /metrics} (Prometheus text format), and the routes the modules bring — the
 * query service of {@code sinks}, device ingest of {@code producers} — each registered on it, all
 * within the {@link HttpSettings} limits.
 */
public final class HttpFront implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpFront.class);

  /** The limits the JDK server reads from system properties. */
  private record JdkLimits(long readTimeoutSeconds, long idleTimeoutSeconds, int maxConnections) {}

  private static JdkLimits jdkLimits; // guarded by HttpFront.class

  /**
   * What the server still reads of a body it refused unread (404, 405, 415, 401) before it closes
   * the connection: the JDK reads 64 KiB, and closing on a client still sending resets the
   * connection, so the client gets the reset instead of the refusal. As much as the largest body a
   * route accepts (device ingest's 8 MiB), so a refused body costs no more than an accepted one;
   * the read timeout bounds it in time.
   */
  static final long DRAIN_BYTES = 8L << 20;

  private final HttpServer server;
  private final ExecutorService threads;
  private final WriteTimeout writeTimeout;
  private final Set<String> routedPaths = new HashSet<>();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final List<AutoCloseable> closeWithServer = new CopyOnWriteArrayList<>();

  /**
   * @param port 0 picks a free port
   * @param healthy whether the stack behind the server is running
   */
  public HttpFront(String host, int port, HttpSettings settings, BooleanSupplier healthy)
      throws IOException {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    Gauge.builder("hilnas_up", healthy, h -> h.getAsBoolean() ? 1 : 0)
        .description("1 while the stack is healthy (the Flink job running, the state served)")
        .strongReference(true)
        .register(registry);

    limitJdkServer(settings);
    InetSocketAddress address = new InetSocketAddress(host, port);
    server =
        settings.tls() != null ? https(address, settings.tls()) : HttpServer.create(address, 0);
    AtomicInteger n = new AtomicInteger();
    // fixed: event streams have writers of their own (FrontierStream), requests wait their turn
    threads =
        Executors.newFixedThreadPool(
            settings.threads(),
            r -> {
              Thread t = new Thread(r, "http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    writeTimeout = new WriteTimeout(settings.writeTimeout());
    route(
        routes -> {
          routes.createContext(
              "/metrics",
              ex ->
                  HttpJson.handle(
                      ex,
                      "GET",
                      e -> HttpJson.send(e, 200, "text/plain; version=0.0.4", registry.scrape())));
          routes.createContext(
              "/healthz",
              ex ->
                  HttpJson.handle(
                      ex,
                      "GET",
                      e -> {
                        boolean up = healthy.getAsBoolean();
                        HttpJson.send(e, up ? 200 : 503, Map.of("status", up ? "UP" : "DOWN"));
                      }));
        });
  }

  /**
   * The JDK server reads its read and idle timeouts and its connection limit from system properties
   * once per JVM, when the first server is made; so the first front of a process sets them, and
   * later ones (tests) can only keep them. The JDK checks them every second.
   */
  private static synchronized void limitJdkServer(HttpSettings settings) {
    JdkLimits wanted =
        new JdkLimits(
            seconds(settings.readTimeout()),
            seconds(settings.idleTimeout()),
            settings.maxConnections());
    if (jdkLimits == null) {
      // the whole request, from its first byte to the last of its body
      System.setProperty(
          "sun.net.httpserver.maxReqTime", Long.toString(wanted.readTimeoutSeconds()));
      System.setProperty(
          "sun.net.httpserver.idleInterval", Long.toString(wanted.idleTimeoutSeconds()));
      System.setProperty(
          "jdk.httpserver.maxConnections", Integer.toString(wanted.maxConnections()));
      // the JDK closes a kept-alive connection after its answer once 200 others are idle, so a
      // 201st client's next request met a closed socket; every accepted connection may idle
      System.setProperty(
          "sun.net.httpserver.maxIdleConnections", Integer.toString(wanted.maxConnections()));
      // idle connections are looked for every 10 s by default: a 1 s idle timeout would be 11
      System.setProperty("sun.net.httpserver.clockTick", "1000");
      System.setProperty("sun.net.httpserver.drainAmount", Long.toString(DRAIN_BYTES));
      // without it a response written in two segments (headers, then body; an event stream's
      // chunks) waits for the client's delayed ACK of the first: 40 ms on Linux (Nagle)
      System.setProperty("sun.net.httpserver.nodelay", "true");
      jdkLimits = wanted;
    } else if (!jdkLimits.equals(wanted)) {
      log.warn(
          "the JDK HTTP server of this JVM keeps its first limits {}, not {}", jdkLimits, wanted);
    }
  }

  private static long seconds(Duration d) {
    return (d.toMillis() + 999) / 1000;
  }

  private static HttpsServer https(InetSocketAddress address, SSLContext tls) throws IOException {
    HttpsServer server = HttpsServer.create(address, 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    return server;
  }

  /** Where the routes count what they serve. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Registers a module's routes; call before {@link #start()}. Each route it creates gets the write
   * timeout.
   */
  public HttpFront route(Consumer<HttpServer> module) {
    module.accept(new Routes());
    return this;
  }

  /** Starts serving; without a route at the root, unknown paths get a JSON 404 all the same. */
  public HttpFront start() {
    if (!routedPaths.contains("/")) {
      route(routes -> routes.createContext("/", HttpJson::notFound));
    }
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The server's root, {@code http://localhost:8080/} (https with TLS). */
  public String url() {
    return (server instanceof HttpsServer ? "https" : "http") + "://localhost:" + port() + "/";
  }

  /** Something of a route's to stop once the server has stopped: an event stream's writers. */
  public HttpFront onClose(AutoCloseable part) {
    closeWithServer.add(part);
    return this;
  }

  @Override
  public void close() {
    server.stop(0);
    for (AutoCloseable part : closeWithServer) {
      try {
        part.close();
      } catch (Exception e) {
        log.warn("{} did not close cleanly: {}", part, e.toString());
      }
    }
    threads.shutdown();
    writeTimeout.close();
    gcMetrics.close();
    registry.close();
  }

  /** The server as a module sees it: it may add routes; the front binds, starts and stops it. */
  private final class Routes extends HttpServer {

    @Override
    public HttpContext createContext(String path, HttpHandler handler) {
      return guarded(server.createContext(path, handler));
    }

    @Override
    public HttpContext createContext(String path) {
      return guarded(server.createContext(path));
    }

    private HttpContext guarded(HttpContext context) {
      context.getFilters().add(writeTimeout);
      routedPaths.add(context.getPath());
      return context;
    }

    @Override
    public InetSocketAddress getAddress() {
      return server.getAddress();
    }

    @Override
    public void bind(InetSocketAddress addr, int backlog) {
      throw owned();
    }

    @Override
    public void start() {
      throw owned();
    }

    @Override
    public void setExecutor(Executor executor) {
      throw owned();
    }

    @Override
    public Executor getExecutor() {
      throw owned();
    }

    @Override
    public void stop(int delay) {
      throw owned();
    }

    @Override
    public void removeContext(String path) {
      throw owned();
    }

    @Override
    public void removeContext(HttpContext context) {
      throw owned();
    }

    private UnsupportedOperationException owned() {
      return new UnsupportedOperationException(
          "routes only add contexts; the front owns the server");
    }
  }
}
