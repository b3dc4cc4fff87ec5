package dev.hilnas.streams;

import dev.hilnas.core.Durations;
import dev.hilnas.core.Limits;
import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.KafkaConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job jar's entry point on a standalone Flink cluster — the same graph the embedded stack runs
 * on its MiniCluster:
 *
 * <pre>
 * flink run -d hilnas-streams-job.jar --bootstrap kafka:9092 [--kafka-config job.properties]
 *     [--objectives PREFILL@512,DECODE@512] [--checkpoint-interval 2s] [--publish-interval 250ms]
 *     [--frontier-interval 250ms]
 *     [--max-latency-ms 3600000] [--max-perplexity 1e7] [--max-context 1048576]
 *     [--max-layers 1024] [--max-d-model 65536] [--max-vocab 1048576]
 *     [--checkpoint-dir file:///shared/checkpoints] [--restore latest]</pre>
 *
 * {@code --kafka-config} names a Kafka client properties file (security.protocol, sasl.*, ssl.*;
 * its bootstrap.servers stands in for {@code --bootstrap}); it is read where this main method runs,
 * and its settings travel inside the job to every source and sink, so paths in it (a truststore)
 * must hold on the task managers.
 *
 * <p>The {@code --max-*} options are the CLI's (docs/contracts.md, "Limits"): give the job the
 * limits its producers use, so that what they accept it does not dead-letter.
 *
 * <p>Checkpoints go to {@code --checkpoint-dir}, else where the cluster's {@code
 * execution.checkpointing.dir} says, and are kept when the job is cancelled or fails. {@code
 * --restore latest} resumes from the newest complete one under {@code --checkpoint-dir} (a
 * directory this process can read), or starts afresh when there is none. The job keeps its group id
 * and transactional-id prefix, so a restart from a checkpoint or savepoint aborts any transaction a
 * crash left open and counts nothing twice.
 */
public final class ClusterJob {
  private ClusterJob() {}

  public static void main(String[] args) throws Exception {
    configure(StreamExecutionEnvironment.getExecutionEnvironment(), args)
        .execute("hilnas-measurements");
  }

  /** Adds the job to {@code env} as {@code args} say. */
  static StreamExecutionEnvironment configure(StreamExecutionEnvironment env, String[] args) {
    Map<String, String> options = options(args);
    Configuration retained = retainedCheckpoints(options);
    JobSettings settings = settings(options);
    env.configure(retained);
    env.enableCheckpointing(
        settings.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    MeasurementJob.buildForKafka(env, settings);
    return env;
  }

  /**
   * The job's settings as {@code args} say (its checkpoint options aside), Kafka's read from its
   * file here, on the client.
   */
  static JobSettings settings(String[] args) {
    Map<String, String> options = options(args);
    options.keySet().removeAll(List.of("checkpoint-dir", "restore"));
    return settings(options);
  }

  private static JobSettings settings(Map<String, String> options) {
    KafkaConnection kafka = kafka(options.remove("bootstrap"), options.remove("kafka-config"));
    Duration checkpoints = duration(options, "checkpoint-interval", "2s");
    Duration publish =
        duration(options, "publish-interval", JobSettings.DEFAULT_REFIT_INTERVAL.toMillis() + "ms");
    Duration frontiers =
        duration(
            options, "frontier-interval", JobSettings.DEFAULT_FRONTIER_INTERVAL.toMillis() + "ms");
    List<String> objectives =
        options.containsKey("objectives")
            ? Arrays.asList(options.get("objectives").split(","))
            : JobSettings.DEFAULT_OBJECTIVES;
    options
        .keySet()
        .removeAll(
            List.of("checkpoint-interval", "publish-interval", "frontier-interval", "objectives"));
    Limits limits = limits(options);
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown options "
              + options.keySet()
              + "; known: --bootstrap, --kafka-config, --objectives, --checkpoint-interval,"
              + " --publish-interval, --frontier-interval, --max-latency-ms, --max-perplexity, --max-context,"
              + " --max-layers, --max-d-model, --max-vocab, --checkpoint-dir, --restore");
    }
    return new JobSettings(
        kafka,
        ConsumerGroups.JOB,
        ConsumerGroups.JOB,
        checkpoints,
        publish,
        frontiers,
        objectives,
        limits);
  }

  private static KafkaConnection kafka(String bootstrap, String config) {
    if (config != null) {
      return KafkaConnection.read(Path.of(config), bootstrap);
    }
    if (bootstrap == null) {
      throw new IllegalArgumentException(
          "--bootstrap HOST:PORT is required, unless --kafka-config FILE names bootstrap.servers");
    }
    return KafkaConnection.to(bootstrap);
  }

  /**
   * Takes {@code --checkpoint-dir} and {@code --restore} out of {@code options}: checkpoints kept
   * on cancel and failure, and where to resume from.
   */
  private static Configuration retainedCheckpoints(Map<String, String> options) {
    Configuration conf = new Configuration();
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    String dir = options.remove("checkpoint-dir");
    URI uri = dir == null ? null : checkpointUri(dir);
    if (uri != null) {
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, uri.toString());
    }
    String restore = options.remove("restore");
    if (restore != null) {
      if (!restore.equals("latest")) {
        throw new IllegalArgumentException(
            "--restore takes 'latest' (the newest checkpoint under --checkpoint-dir), got '"
                + restore
                + "'; give Flink's own -s PATH to resume from a given one");
      }
      if (uri == null || !"file".equals(uri.getScheme())) {
        throw new IllegalArgumentException(
            "--restore latest needs a --checkpoint-dir on a file system this process can read");
      }
      try {
        EmbeddedJob.latestCheckpoint(Path.of(uri))
            .ifPresentOrElse(
                c -> {
                  EmbeddedJob.resumeFrom(conf, c);
                  System.err.println("hilnas: resuming from " + c);
                },
                () -> System.err.println("hilnas: no checkpoint under " + uri + " yet, starting"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + uri, e);
      }
    }
    return conf;
  }

  /** A path without a scheme is a local directory. */
  private static URI checkpointUri(String dir) {
    URI uri = URI.create(dir);
    return uri.getScheme() == null ? Path.of(dir).toAbsolutePath().toUri() : uri;
  }

  /** Takes the {@code --max-*} options out of {@code options}. */
  private static Limits limits(Map<String, String> options) {
    Limits.Builder limits = Limits.builder();
    number(options, "max-latency-ms", Double::parseDouble).ifPresent(limits::maxLatencyMs);
    number(options, "max-perplexity", Double::parseDouble).ifPresent(limits::maxPerplexity);
    number(options, "max-context", Integer::parseInt).ifPresent(limits::maxContextLength);
    number(options, "max-layers", Integer::parseInt).ifPresent(limits::maxLayers);
    number(options, "max-d-model", Integer::parseInt).ifPresent(limits::maxDModel);
    number(options, "max-vocab", Integer::parseInt).ifPresent(limits::maxVocabSize);
    return limits.build();
  }

  private static <T> Optional<T> number(
      Map<String, String> options, String name, Function<String, T> parse) {
    String text = options.remove(name);
    try {
      return Optional.ofNullable(text).map(parse);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + text + "'");
    }
  }

  private static Duration duration(Map<String, String> options, String name, String fallback) {
    try {
      return Durations.parse(options.getOrDefault(name, fallback));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }
}
