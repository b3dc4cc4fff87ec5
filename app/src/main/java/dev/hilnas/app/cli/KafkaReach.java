package dev.hilnas.app.cli;

import dev.hilnas.schemas.KafkaConnection;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Whether Kafka answers, asked before a command publishes: without a broker, a producer's first
 * send waits a minute for metadata, warns about the connection every second meanwhile, and then
 * blames a topic ("not present in metadata").
 */
final class KafkaReach {
  private KafkaReach() {}

  /** No broker answered in time; {@link #require} says so. */
  static final class NoBroker extends IllegalStateException {
    NoBroker(String message) {
      super(message);
    }
  }

  /**
   * @throws NoBroker when no broker of {@code kafka} answers within {@code within}
   * @throws IllegalStateException when one answers and refuses the client (a wrong password, a
   *     certificate it does not trust), or the bootstrap servers cannot be used at all
   */
  static void require(KafkaConnection kafka, Duration within) throws InterruptedException {
    Properties p = kafka.clientProperties();
    // Kafka's client warns of each failed attempt: three per wait, not one a second
    String backoff = Long.toString(Math.max(1000, within.toMillis() / 3));
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, backoff);
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, backoff);
    try (Admin admin = Admin.create(p)) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) within.toMillis()))
          .nodes()
          .get(within.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw noBroker(kafka, within);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw noBroker(kafka, within);
      }
      throw new IllegalStateException(
          "Kafka at " + kafka.bootstrapServers() + " refused the connection: " + reason(e));
    } catch (KafkaException e) { // the client could not even start: a host that does not resolve
      throw new IllegalStateException(
          "cannot connect to Kafka at " + kafka.bootstrapServers() + ": " + reason(e));
    }
  }

  /** The first ask's wait: a broker that is up answers within milliseconds. */
  private static final Duration FIRST_ASK = Duration.ofSeconds(2);

  /**
   * As {@link #require}, asking again every 30 s until a broker answers, for a service that may
   * start before its broker (compose, a cluster, a device booting): the wait, and each ask that
   * ends without one, is said on {@code err}, and so is a stop meanwhile (Ctrl-C, a supervisor's
   * SIGTERM), which else ended the process without a word.
   */
  static void await(KafkaConnection kafka, PrintWriter err) throws InterruptedException {
    try {
      require(kafka, FIRST_ASK);
      return;
    } catch (NoBroker e) {
      err.printf(
          "no Kafka broker answers at %s yet: waiting for one (Ctrl-C stops)%n",
          kafka.bootstrapServers());
      err.flush();
    }
    Thread stopped =
        new Thread(
            () -> {
              err.println(
                  "stopped while waiting for a Kafka broker at " + kafka.bootstrapServers());
              err.flush();
            });
    Runtime.getRuntime().addShutdownHook(stopped);
    try {
      while (true) {
        try {
          require(kafka, Duration.ofSeconds(30));
          return;
        } catch (NoBroker e) {
          err.println(e.getMessage() + "; asking again");
        }
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopped);
      } catch (IllegalStateException shuttingDown) { // the hook says so
      }
    }
  }

  private static NoBroker noBroker(KafkaConnection kafka, Duration within) {
    return new NoBroker(
        "no Kafka broker answers at "
            + kafka.bootstrapServers()
            + " within "
            + within.toSeconds()
            + " s: is `hilnas serve` running? (--bootstrap names another broker; a secured one"
            + " needs --kafka-config)");
  }

  /** The innermost message: Kafka wraps what went wrong in exceptions of its own. */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return ErrorMessage.withoutFile(root);
  }
}
