package dev.hilnas.testing;

import dev.hilnas.cluster.EmbeddedKafka;
import dev.hilnas.schemas.KafkaConnection;
import dev.hilnas.schemas.Principal;
import dev.hilnas.schemas.TopicSetup;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real KRaft broker with the hil.* topics, secured as {@code serve --secure} secures it: SCRAM
 * users only, one per {@link Principal}, each allowed what its ACLs grant. Started once per test
 * class that extends this.
 */
public abstract class WithSecuredBroker {

  @TempDir protected static Path dir;
  protected static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka =
        EmbeddedKafka.startSecured(
            dir.resolve("kafka"), 0, Stream.of(Principal.values()).map(Principal::user).toList());
    KafkaConnection admin = connection(EmbeddedKafka.ADMIN);
    TopicSetup.ensure(admin, (short) 1);
    TopicSetup.grantAccess(admin);
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  /** How a client connects as {@code principal}, from the file the broker wrote for it. */
  protected static KafkaConnection as(Principal principal) {
    return connection(principal.user());
  }

  private static KafkaConnection connection(String user) {
    return KafkaConnection.read(kafka.clientProperties(user), null);
  }
}
