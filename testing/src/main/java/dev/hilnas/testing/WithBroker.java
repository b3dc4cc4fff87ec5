package dev.hilnas.testing;

import dev.hilnas.cluster.EmbeddedKafka;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.TopicSetup;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real KRaft broker with the hil.* topics, started once per test class that extends this (each
 * class its own broker and data dir, so classes never see each other's records).
 */
public abstract class WithBroker {

  @TempDir protected static Path dir;
  protected static EmbeddedKafka kafka;

  /** How the clients under test reach the broker. */
  protected static KafkaConnection connection;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    connection = KafkaConnection.to(kafka.bootstrapServers());
    TopicSetup.ensure(connection, (short) 1);
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }
}
