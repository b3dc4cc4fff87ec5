package dev.hilnas.app.cli;

import dev.hilnas.schemas.KafkaConnection;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether Kafka answers, asked before a command publishes: without a broker, a producer's first
 * send waits a minute for metadata, warns about the connection every second meanwhile, and then
 * blames a topic ("not present in metadata").
 */
final class KafkaReach {
  private KafkaReach() {}

  /**
   * @throws IllegalStateException when no broker of {@code kafka} answers within {@code within}
   */
  static void require(KafkaConnection kafka, Duration within) throws InterruptedException {
    Properties p = kafka.clientProperties();
    // a warning per failed attempt: a few, not one a second
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "2000");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
    try (Admin admin = Admin.create(p)) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) within.toMillis()))
          .nodes()
          .get(within.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "no Kafka broker answers at "
              + kafka.bootstrapServers()
              + " within "
              + within.toSeconds()
              + " s: is `hilnas serve` running? (--bootstrap names another broker)");
    }
  }
}
