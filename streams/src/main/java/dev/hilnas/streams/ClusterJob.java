package dev.hilnas.streams;

import dev.hilnas.core.Durations;
import dev.hilnas.core.Limits;
import dev.hilnas.schemas.ConsumerGroups;
import dev.hilnas.schemas.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job jar's entry point on a standalone Flink cluster — the same graph the embedded stack runs
 * on its MiniCluster:
 *
 * <pre>
 * flink run -d hilnas-streams-job.jar --bootstrap kafka:9092 [--kafka-config job.properties]
 *     [--objectives PREFILL@512,DECODE@512] [--checkpoint-interval 2s] [--publish-interval 1s] [--max-latency-ms 3600000]
 *     [--max-perplexity 1e7] [--max-context 1048576] [--max-layers 1024] [--max-d-model 65536]
 *     [--max-vocab 1048576]</pre>
 *
 * {@code --kafka-config} names a Kafka client properties file (security.protocol, sasl.*, ssl.*;
 * its bootstrap.servers stands in for {@code --bootstrap}); it is read where this main method runs,
 * and its settings travel inside the job to every source and sink, so paths in it (a truststore)
 * must hold on the task managers.
 *
 * <p>The {@code --max-*} options are the CLI's (docs/contracts.md, "Limits"): give the job the
 * limits its producers use, so that what they accept it does not dead-letter.
 *
 * <p>Checkpoints go where the cluster's {@code execution.checkpointing.dir} says; the job keeps its
 * group id and transactional-id prefix, so a restart from a checkpoint or savepoint aborts any
 * transaction a crash left open and counts nothing twice.
 */
public final class ClusterJob {
  private ClusterJob() {}

  public static void main(String[] args) throws Exception {
    configure(StreamExecutionEnvironment.getExecutionEnvironment(), args)
        .execute("hilnas-measurements");
  }

  /** Adds the job to {@code env} as {@code args} say. */
  static StreamExecutionEnvironment configure(StreamExecutionEnvironment env, String[] args) {
    JobSettings settings = settings(args);
    env.enableCheckpointing(
        settings.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    MeasurementJob.buildForKafka(env, settings);
    return env;
  }

  /** The job's settings as {@code args} say, Kafka's read from its file here, on the client. */
  static JobSettings settings(String[] args) {
    Map<String, String> options = options(args);
    KafkaConnection kafka = kafka(options.remove("bootstrap"), options.remove("kafka-config"));
    Duration checkpoints = duration(options, "checkpoint-interval", "2s");
    Duration publish = duration(options, "publish-interval", "1s");
    List<String> objectives =
        options.containsKey("objectives")
            ? Arrays.asList(options.get("objectives").split(","))
            : JobSettings.DEFAULT_OBJECTIVES;
    options.keySet().removeAll(List.of("checkpoint-interval", "publish-interval", "objectives"));
    Limits limits = limits(options);
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown options "
              + options.keySet()
              + "; known: --bootstrap, --kafka-config, --objectives, --checkpoint-interval,"
              + " --publish-interval, --max-latency-ms, --max-perplexity, --max-context,"
              + " --max-layers, --max-d-model, --max-vocab");
    }
    return new JobSettings(
        kafka, ConsumerGroups.JOB, ConsumerGroups.JOB, checkpoints, publish, objectives, limits);
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
