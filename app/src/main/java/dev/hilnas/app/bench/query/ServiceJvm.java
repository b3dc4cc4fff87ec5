package dev.hilnas.app.bench.query;

import dev.hilnas.app.stack.MetricsText;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The JVM that runs the query service under measurement, as the bench sees it: this one, read
 * through its MXBeans, or another process, read from the service's {@code /metrics}.
 */
interface ServiceJvm {

  /** Heap in use now, in bytes. */
  long heapUsedBytes() throws IOException, InterruptedException;

  /** Live threads now. */
  int liveThreads() throws IOException, InterruptedException;

  /** The HTTP front's threads now (pool, dispatcher, stream writers, write timer); -1: unknown. */
  long frontThreads();

  /** How often {@link #heapUsedBytes} is worth reading during a repetition. */
  Duration samplingInterval();

  /** The bench's own JVM, which also runs the embedded stack. */
  static ServiceJvm thisOne() {
    return new ServiceJvm() {
      @Override
      public long heapUsedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      }

      @Override
      public int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
      }

      @Override
      public long frontThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .map(Thread::getName)
            .filter(
                n ->
                    n.startsWith("http-")
                        || n.startsWith("HTTP-Dispatcher")
                        || n.startsWith("frontier-stream-"))
            .count();
      }

      @Override
      public Duration samplingInterval() {
        return Duration.ofMillis(100);
      }
    };
  }

  /**
   * A query service in another process, from Micrometer's JVM gauges on its {@code /metrics}
   * ({@code jvm_memory_used_bytes} of the heap's pools, {@code jvm_threads_live_threads}); read
   * once a second, so the scrapes are a negligible share of the load.
   */
  static ServiceJvm at(URI service) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI metrics = service.resolve("metrics");
    return new ServiceJvm() {
      @Override
      public long heapUsedBytes() throws IOException, InterruptedException {
        return (long)
            scrape().stream()
                .filter(
                    s ->
                        s.name().equals("jvm_memory_used_bytes")
                            && "heap".equals(s.labels().get("area")))
                .mapToDouble(MetricsText.Sample::value)
                .sum();
      }

      @Override
      public int liveThreads() throws IOException, InterruptedException {
        return (int)
            scrape().stream()
                .filter(s -> s.name().equals("jvm_threads_live_threads"))
                .mapToDouble(MetricsText.Sample::value)
                .findFirst()
                .orElse(-1);
      }

      @Override
      public long frontThreads() {
        return -1;
      }

      @Override
      public Duration samplingInterval() {
        return Duration.ofSeconds(1);
      }

      private List<MetricsText.Sample> scrape() throws IOException, InterruptedException {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IOException(metrics + " answered " + r.statusCode());
        }
        return MetricsText.parse(r.body());
      }
    };
  }
}
