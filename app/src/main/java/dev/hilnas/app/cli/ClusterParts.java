package dev.hilnas.app.cli;

import dev.hilnas.cluster.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * What a local cluster of this build is made of — Kafka's and Flink's lib/ folders and the job jar
 * — for the commands that start one ({@code cluster up}, {@code bench chaos}, {@code bench scale}).
 */
public final class ClusterParts {

  @Option(
      names = "--kafka-lib",
      defaultValue = "cluster/target/kafka-lib",
      description = "Kafka's server jars (default: ${DEFAULT-VALUE}, built by the cluster module).")
  Path kafkaLib;

  @Option(
      names = "--flink-lib",
      defaultValue = "cluster/target/flink-lib",
      description = "Flink's own jars (default: ${DEFAULT-VALUE}, built by the cluster module).")
  Path flinkLib;

  @Option(
      names = "--job-jar",
      description = "The job jar (default: the newest streams/target/hilnas-streams-*-job.jar).")
  Path jobJar;

  /**
   * A cluster of these parts in {@code dir}, with this JVM running the query service.
   *
   * @throws IllegalArgumentException naming the option whose path does not exist
   */
  public ClusterSpec spec(
      Path dir, int brokers, int taskManagers, int slots, int parallelism, int httpPort)
      throws IOException {
    return new ClusterSpec(
        dir,
        brokers,
        taskManagers,
        slots,
        parallelism,
        existing(kafkaLib, "--kafka-lib"),
        existing(flinkLib, "--flink-lib"),
        jobJar != null ? existing(jobJar, "--job-jar") : newestJobJar(),
        ClusterCommand.Up.hilnas(),
        httpPort,
        Path.of(System.getProperty("java.home"), "bin", "java"));
  }

  private static Path existing(Path path, String option) {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(
          option
              + " "
              + path
              + " does not exist: build it with ./mvnw -q -DskipTests package, or run from the"
              + " repository root");
    }
    return path.toAbsolutePath().normalize();
  }

  private static Path newestJobJar() throws IOException {
    Path target = Path.of("streams", "target");
    if (Files.isDirectory(target)) {
      try (Stream<Path> files = Files.list(target)) {
        return files
            .filter(p -> p.getFileName().toString().matches("hilnas-streams-.*-job\\.jar"))
            .max(Comparator.comparing(p -> p.toFile().lastModified()))
            .map(p -> p.toAbsolutePath().normalize())
            .orElseThrow(() -> noJobJar(target));
      }
    }
    throw noJobJar(target);
  }

  private static IllegalArgumentException noJobJar(Path target) {
    return new IllegalArgumentException(
        "no hilnas-streams-*-job.jar in "
            + target.toAbsolutePath()
            + ": build it with ./mvnw -q -DskipTests package, or give --job-jar");
  }
}
