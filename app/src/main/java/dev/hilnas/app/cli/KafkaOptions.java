package dev.hilnas.app.cli;

import dev.hilnas.schemas.KafkaConnection;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a command that talks to Kafka finds it, and how it gets in: the bootstrap servers and a
 * Kafka client properties file for a secured cluster. Like every option, each also comes from the
 * environment ({@code HILNAS_BOOTSTRAP}, {@code HILNAS_KAFKA_CONFIG}) or the properties file.
 */
final class KafkaOptions {

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description =
          "Kafka bootstrap servers (default: bootstrap.servers of --kafka-config; without that"
              + " file, "
              + KafkaConnection.DEFAULT_BOOTSTRAP
              + ").")
  String bootstrap;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties for a secured cluster: security.protocol, sasl.mechanism,"
              + " sasl.jaas.config, ssl.truststore.location, ...; its bootstrap.servers stands in"
              + " for --bootstrap.")
  Path config;

  KafkaConnection connection() {
    if (config == null) {
      return KafkaConnection.to(bootstrap != null ? bootstrap : KafkaConnection.DEFAULT_BOOTSTRAP);
    }
    return KafkaConnection.read(config, bootstrap);
  }
}
