package dev.hilnas.app.bench;

import dev.hilnas.cluster.ClusterSpec;
import dev.hilnas.cluster.ClusterState;
import dev.hilnas.cluster.LocalCluster;
import dev.hilnas.core.Statistics;
import dev.hilnas.schemas.KafkaConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Ingest throughput on a local cluster of real processes ({@code cluster up}), for each layout of
 * TaskManagers and job parallelism in turn, each on a fresh cluster: the same rounds as {@code
 * bench ingest} (import → Kafka → the job, until its committed models count every measurement),
 * each next to a raw Kafka produce + consume on the same cluster.
 */
public final class ScaleBenchmark {
  private ScaleBenchmark() {}

  /** TaskManagers and the job's parallelism, written {@code 2x1}. */
  public record Layout(int taskManagers, int parallelism) {
    public static Layout parse(String text) {
      String[] parts = text.split("x");
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            "a layout is TASKMANAGERSxPARALLELISM, e.g. 2x1, got " + text);
      }
      return new Layout(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
    }

    @Override
    public String toString() {
      return taskManagers + "x" + parallelism;
    }
  }

  /** One layout's rounds. */
  public record Row(Layout layout, List<Double> rawPerSecond, List<Double> pipelinePerSecond) {
    public double rawMedian() {
      return Statistics.median(rawPerSecond);
    }

    public double pipelineMedian() {
      return Statistics.median(pipelinePerSecond);
    }
  }

  /** The cluster of a layout, in the directory given. */
  @FunctionalInterface
  public interface Clusters {
    ClusterSpec of(Layout layout, Path dir) throws IOException;
  }

  public static List<Row> run(
      List<Layout> layouts,
      int records,
      int targets,
      int repeat,
      Clusters clusters,
      Consumer<String> progress)
      throws Exception {
    List<Row> rows = new ArrayList<>();
    for (Layout layout : layouts) {
      Path dir = Files.createTempDirectory("hilnas-bench-scale");
      ClusterSpec spec = clusters.of(layout, dir);
      progress.accept("layout " + layout + ": starting a cluster in " + dir);
      try {
        ClusterState state = LocalCluster.up(spec, line -> {});
        IngestBenchmark.Rounds rounds =
            IngestBenchmark.rounds(
                KafkaConnection.to(state.bootstrap()),
                (short) spec.replication(),
                records,
                targets,
                repeat,
                i -> progress.accept("layout " + layout + ": repetition " + i + "/" + repeat));
        rows.add(new Row(layout, rounds.raw(), rounds.pipeline()));
      } finally {
        LocalCluster.down(dir, Duration.ofSeconds(20), line -> {});
        IngestBenchmark.deleteQuietly(dir);
      }
    }
    return rows;
  }
}
