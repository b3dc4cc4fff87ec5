package dev.hilnas.schemas;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How every hilnas client reaches Kafka: the bootstrap servers and the client properties that go
 * with them on a secured cluster ({@code security.protocol}, {@code sasl.mechanism}, {@code
 * sasl.jaas.config}, {@code ssl.truststore.location}, ...). Producers, consumers, admins, Kafka
 * Streams and the Flink job's sources and sinks all start from {@link #clientProperties()} and add
 * only what their own semantics need (serializers, acks, isolation, group and transactional ids),
 * which win over the same keys here. Serializable, so the Flink job carries it to its operators.
 *
 * <p>{@link #toString()} names the properties but shows no value except the protocol and the
 * mechanism: a JAAS config or a store password must never reach a log.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param properties Kafka client properties, without {@code bootstrap.servers}
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties)
    implements Serializable {

  /** Where clients look for Kafka when nobody says otherwise. */
  public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

  private static final Set<String> SHOWN =
      Set.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SaslConfigs.SASL_MECHANISM);

  public KafkaConnection {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers must not be blank");
    }
    if (properties.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException(
          "bootstrap.servers is the connection's bootstrapServers, not one of its properties");
    }
    properties = Map.copyOf(properties);
  }

  /** An unsecured cluster: the servers and nothing else. */
  public static KafkaConnection to(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, Map.of());
  }

  /**
   * The connection a Kafka client properties file describes (the format of Kafka's own {@code
   * --command-config} files).
   *
   * @param bootstrapServers wins over the file's {@code bootstrap.servers}; null to take the file's
   * @throws IllegalArgumentException when the file cannot be read, or names no bootstrap servers
   *     and none are given
   */
  public static KafkaConnection read(Path file, String bootstrapServers) {
    Properties loaded = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      loaded.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("Kafka client properties " + file + " do not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Kafka client properties " + file, e);
    }
    Map<String, String> properties = new TreeMap<>();
    loaded.stringPropertyNames().forEach(k -> properties.put(k, loaded.getProperty(k).strip()));
    String fromFile = properties.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    String servers = bootstrapServers != null ? bootstrapServers : fromFile;
    if (servers == null || servers.isBlank()) {
      throw new IllegalArgumentException(
          "Kafka client properties " + file + " have no bootstrap.servers, and none were given");
    }
    return new KafkaConnection(servers, properties);
  }

  /** A new {@link Properties} with the bootstrap servers and every property: a client's start. */
  public Properties clientProperties() {
    Properties p = new Properties();
    p.putAll(properties);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  /** The servers and property names; values only of the protocol and the SASL mechanism. */
  @Override
  public String toString() {
    return "KafkaConnection["
        + bootstrapServers
        + new TreeMap<>(properties)
            .entrySet().stream()
                .map(e -> e.getKey() + (SHOWN.contains(e.getKey()) ? "=" + e.getValue() : ""))
                .collect(Collectors.joining(", ", properties.isEmpty() ? "" : ", ", ""))
        + "]";
  }
}
