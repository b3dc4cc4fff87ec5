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
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The JVM that runs the query service under measurement, as the bench sees it: this one, read
 * through its MXBeans, or another process, read from the service's {@code /metrics}.
 */
interface ServiceJvm {

  /** Heap in use now, in bytes; empty when it cannot be read now. */
  OptionalLong heapUsedBytes() throws InterruptedException;

  /** Live threads now; empty when they cannot be read now. */
  OptionalInt liveThreads() throws InterruptedException;

  /** The HTTP front's threads now (pool, dispatcher, stream writers, write timer); -1: unknown. */
  long frontThreads();

  /** How often {@link #heapUsedBytes} is worth reading during a repetition. */
  Duration samplingInterval();

  /** The bench's own JVM, which also runs the embedded stack. */
  static ServiceJvm thisOne() {
    return new ServiceJvm() {
      @Override
      public OptionalLong heapUsedBytes() {
        return OptionalLong.of(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      }

      @Override
      public OptionalInt liveThreads() {
        return OptionalInt.of(ManagementFactory.getThreadMXBean().getThreadCount());
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
   * once a second, so the scrapes are a negligible share of the load. A scrape that fails or times
   * out under the load is a sample missed, not the run's end.
   */
  static ServiceJvm at(URI service) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI metrics = service.resolve("metrics");
    return new ServiceJvm() {
      @Override
      public OptionalLong heapUsedBytes() throws InterruptedException {
        List<MetricsText.Sample> heap =
            scrape().stream()
                .filter(
                    s ->
                        s.name().equals("jvm_memory_used_bytes")
                            && "heap".equals(s.labels().get("area")))
                .toList();
        return heap.isEmpty()
            ? OptionalLong.empty()
            : OptionalLong.of((long) heap.stream().mapToDouble(MetricsText.Sample::value).sum());
      }

      @Override
      public OptionalInt liveThreads() throws InterruptedException {
        return scrape().stream()
            .filter(s -> s.name().equals("jvm_threads_live_threads"))
            .mapToInt(s -> (int) s.value())
            .findFirst();
      }

      @Override
      public long frontThreads() {
        return -1;
      }

      @Override
      public Duration samplingInterval() {
        return Duration.ofSeconds(1);
      }

      private List<MetricsText.Sample> scrape() throws InterruptedException {
        return ServiceJvm.scrape(client, metrics, samplingInterval());
      }
    };
  }

  /** The samples of a {@code /metrics}; none when it does not answer them within {@code limit}. */
  static List<MetricsText.Sample> scrape(HttpClient client, URI metrics, Duration limit)
      throws InterruptedException {
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(metrics).timeout(limit).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? MetricsText.parse(r.body()) : List.of();
    } catch (IOException | IllegalArgumentException e) {
      return List.of();
    }
  }
}
