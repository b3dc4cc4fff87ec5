package dev.hilnas.app;

import dev.hilnas.app.stack.EmbeddedKafka;
import dev.hilnas.app.stack.TopicSetup;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real KRaft broker with the hil.* topics, started once per test class that extends this (each
 * class its own broker and data dir, so classes never see each other's records).
 */
abstract class WithBroker {

  @TempDir static Path dir;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    TopicSetup.ensure(kafka.bootstrapServers(), (short) 1);
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }
}
