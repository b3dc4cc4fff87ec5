package dev.hilnas.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Measurement;
import dev.hilnas.producers.kafka.KafkaMeasurementSink;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Topics;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.streams.JobSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * What the pipeline holds per target and per measurement: a fresh embedded stack takes N
 * measurements spread over T targets, and once the job's committed models account for all of them
 * and two more checkpoints have completed, and the query service serves all of those models, the
 * newest checkpoint's bytes on disk (the job's whole state: dedup ids, held points, models,
 * frontier inputs) and the JVM's heap growth over the stack's idle heap (broker, job and query
 * service) are divided by T and by N. The baseline is what the same measurements take on the wire:
 * their Avro records on hil.measurements.
 */
public final class MemoryBenchmark {
  private MemoryBenchmark() {}

  /**
   * The figures of one size.
   *
   * @param targets hardware targets the measurements are spread over
   * @param measurements measurements sent, all counted by the job
   * @param wireBytes their Avro records' bytes (values only), as on hil.measurements
   * @param checkpointBytes the newest completed checkpoint's files, summed
   * @param heapBytes heap used after GC, less the idle stack's, once the job counted them all
   */
  public record Size(
      int targets, int measurements, long wireBytes, long checkpointBytes, long heapBytes) {

    public double checkpointBytesPerTarget() {
      return (double) checkpointBytes / targets;
    }

    public double checkpointBytesPerMeasurement() {
      return (double) checkpointBytes / measurements;
    }

    public double heapBytesPerTarget() {
      return (double) heapBytes / targets;
    }

    public double heapBytesPerMeasurement() {
      return (double) heapBytes / measurements;
    }

    public double wireBytesPerMeasurement() {
      return (double) wireBytes / measurements;
    }
  }

  /** Runs one fresh stack per entry of {@code targetCounts}. */
  public static List<Size> run(
      List<Integer> targetCounts, int perTarget, Duration checkpointInterval, Consumer<Size> done)
      throws Exception {
    List<Size> sizes = new ArrayList<>();
    for (int targets : targetCounts) {
      Size size = measure(targets, targets * perTarget, checkpointInterval);
      done.accept(size);
      sizes.add(size);
    }
    return sizes;
  }

  private static Size measure(int targets, int count, Duration checkpointInterval)
      throws Exception {
    Path dir = Files.createTempDirectory("hilnas-bench-memory");
    try (Stack stack =
        Stack.start(
            new Stack.Options(
                dir,
                null,
                false,
                0,
                0,
                HttpSettings.DEFAULTS,
                1,
                checkpointInterval,
                Duration.ofMillis(200),
                JobSettings.DEFAULT_OBJECTIVES,
                null,
                true,
                Limits.DEFAULTS))) {
      KafkaConnection kafka = KafkaConnection.to(stack.bootstrapServers());
      Path checkpoints = dir.resolve("flink-checkpoints");
      awaitCheckpoints(checkpoints, 1);
      long idleHeap = heapAfterGc();

      List<Measurement> measurements = SyntheticMeasurements.generate(count, targets, 7);
      long wire = 0;
      for (Measurement m : measurements) {
        wire +=
            Topics.MEASUREMENTS.valueSerde().serializer().serialize(null, Convert.toAvro(m)).length;
      }
      try (KafkaMeasurementSink sink =
          new KafkaMeasurementSink(kafka, "bench-memory", Clock.systemUTC())) {
        for (Measurement m : measurements) {
          sink.accept(m);
        }
        sink.flush();
      }
      awaitCounted(kafka, count);
      awaitServed(stack.httpUrl(), count);
      int counted = newestCheckpoint(checkpoints).orElse(0);
      awaitCheckpoints(checkpoints, counted + 2);
      long checkpointBytes =
          bytesOf(checkpointDir(checkpoints, newestCheckpoint(checkpoints).get()));
      measurements = null; // the generated list must not count as the pipeline's heap
      long heap = Math.max(0, heapAfterGc() - idleHeap);
      return new Size(targets, count, wire, checkpointBytes, heap);
    } finally {
      IngestBenchmark.deleteQuietly(dir);
    }
  }

  /** Waits until the job's committed models count {@code total} measurements over all targets. */
  private static void awaitCounted(KafkaConnection kafka, long total) {
    try (KafkaConsumer<byte[], byte[]> models = IngestBenchmark.models(kafka)) {
      IngestBenchmark.awaitCounted(models, total, Duration.ofMinutes(15));
    }
  }

  /** Waits until the query service's models ({@code GET /api/v1/targets}) count {@code total}. */
  private static void awaitServed(String url, long total) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest targets = HttpRequest.newBuilder(URI.create(url + "api/v1/targets")).build();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    long served = 0;
    while (served < total) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the query service's models count " + served + " of " + total + " within 5 minutes");
      }
      Thread.sleep(500);
      HttpResponse<byte[]> r = client.send(targets, HttpResponse.BodyHandlers.ofByteArray());
      served = 0;
      if (r.statusCode() == 200) {
        for (JsonNode model : Json.MAPPER.readTree(r.body())) {
          served += model.path("measurements").asLong();
        }
      }
    }
  }

  private static void awaitCheckpoints(Path checkpoints, int atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (newestCheckpoint(checkpoints).orElse(0) < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no checkpoint " + atLeast + " within 5 minutes");
      }
      Thread.sleep(100);
    }
  }

  /** The number of the newest completed checkpoint (one whose metadata is written). */
  private static Optional<Integer> newestCheckpoint(Path checkpoints) throws IOException {
    if (!Files.isDirectory(checkpoints)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(checkpoints, 3)) {
      return files
          .filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(p -> p.getParent().getFileName().toString())
          .filter(name -> name.startsWith("chk-"))
          .map(name -> Integer.parseInt(name.substring(4)))
          .max(Integer::compare);
    }
  }

  private static Path checkpointDir(Path checkpoints, int number) throws IOException {
    try (Stream<Path> dirs = Files.walk(checkpoints, 2)) {
      return dirs.filter(p -> p.getFileName().toString().equals("chk-" + number))
          .findFirst()
          .orElseThrow();
    }
  }

  private static long bytesOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
