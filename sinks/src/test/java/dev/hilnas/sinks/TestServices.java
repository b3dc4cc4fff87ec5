package dev.hilnas.sinks;

import com.sun.net.httpserver.HttpServer;
import dev.hilnas.core.Limits;
import dev.hilnas.sinks.http.FrontierStream;
import dev.hilnas.sinks.state.FrontierCatalog;
import dev.hilnas.sinks.state.Materializer;
import dev.hilnas.sinks.state.ModelCatalog;
import dev.hilnas.sinks.state.ProgressCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.TopologyTestDriver;

/** A real query service on a free port, reading the stores of a TopologyTestDriver. */
public final class TestServices {
  private TestServices() {}

  /** A started server with the query routes; closing it stops the server. */
  public record Server(HttpServer http, ExecutorService threads, QueryService query)
      implements AutoCloseable {
    public int port() {
      return http.getAddress().getPort();
    }

    public FrontierStream frontierStream() {
      return query.frontierStream();
    }

    @Override
    public void close() {
      http.stop(0);
      threads.shutdown();
      query.frontierStream().close();
    }
  }

  public static Server over(TopologyTestDriver driver) throws IOException {
    return over(driver, 2, 4);
  }

  /**
   * @param threads the server's, a fixed pool as the app's (event streams have writers of their
   *     own)
   * @param streamClients event-stream subscribers at once
   */
  public static Server over(TopologyTestDriver driver, int threads, int streamClients)
      throws IOException {
    return over(driver, threads, streamClients, FrontierStream.DEFAULT_WRITERS);
  }

  /**
   * @param streamWriters the event stream's writer threads, for all subscribers together
   */
  public static Server over(
      TopologyTestDriver driver, int threads, int streamClients, int streamWriters)
      throws IOException {
    FrontierCatalog frontiers =
        new FrontierCatalog(() -> driver.getKeyValueStore(Materializer.FRONTIERS_STORE));
    QueryService query =
        new QueryService(
            new ModelCatalog(() -> driver.getKeyValueStore(Materializer.MODELS_STORE)),
            frontiers,
            new ProgressCatalog(
                () -> driver.getKeyValueStore(Materializer.REQUESTS_STORE),
                () -> driver.getKeyValueStore(Materializer.FAILURES_STORE),
                frontiers),
            target -> OptionalLong.empty(), // no broker: the agents' lag is unknown
            Limits.DEFAULTS,
            new SimpleMeterRegistry(),
            streamClients,
            streamWriters);
    // as the app's front: no Nagle delay between a response's segments (read once per JVM)
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer http = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    http.setExecutor(pool);
    query.register(http);
    http.start();
    return new Server(http, pool, query);
  }
}
