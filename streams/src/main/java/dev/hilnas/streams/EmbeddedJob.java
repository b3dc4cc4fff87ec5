package dev.hilnas.streams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the measurement job on an in-process Flink MiniCluster with exactly-once checkpoints kept
 * under {@code checkpointDir}. A restart resumes from the newest complete checkpoint there, so
 * nothing accepted is lost and nothing is counted twice.
 */
public final class EmbeddedJob {
  private EmbeddedJob() {}

  public static JobClient start(JobSettings settings, Path checkpointDir, int parallelism)
      throws Exception {
    Files.createDirectories(checkpointDir);
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, settings.checkpointInterval());
    conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    latestCheckpoint(checkpointDir).ifPresent(c -> resumeFrom(conf, c));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    MeasurementJob.buildForKafka(env, settings);
    return env.executeAsync("hilnas-measurements");
  }

  /**
   * Resumes from {@code checkpoint}. State of an operator this graph no longer has is let go: the
   * per-id deduplication operator of earlier versions is gone (repeats are now dropped per target),
   * and its 7 days of ids with it — the only id memory an upgrade loses.
   */
  static void resumeFrom(Configuration conf, Path checkpoint) {
    conf.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint.toUri().toString());
    conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
  }

  /** The newest complete checkpoint ({@code chk-N} holding {@code _metadata}) under {@code dir}. */
  public static Optional<Path> latestCheckpoint(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(dir, 3)) {
      return files
          .filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .max(
              Comparator.comparingLong(
                      (Path p) -> {
                        try {
                          return Files.getLastModifiedTime(p.resolve("_metadata")).toMillis();
                        } catch (IOException e) {
                          return 0L;
                        }
                      })
                  .thenComparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))));
    }
  }
}
