package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.schemas.KafkaConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaReachTest {

  @Test
  void noBrokerIsSaidAsSuchWithWhereItWasLookedFor() {
    KafkaReach.NoBroker none =
        assertThrows(
            KafkaReach.NoBroker.class,
            () -> KafkaReach.require(KafkaConnection.to("localhost:1"), Duration.ofSeconds(1)));
    assertEquals(
        "no Kafka broker answers at localhost:1 within 1 s: is `hilnas serve` running?"
            + " (--bootstrap names another broker; a secured one needs --kafka-config)",
        none.getMessage());
  }

  @Test
  void aBootstrapAddressThatCannotBeUsedIsNotBlamedOnAMissingBroker() {
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () ->
                KafkaReach.require(
                    KafkaConnection.to("no-such-host.invalid:9092"), Duration.ofSeconds(1)));
    assertEquals(IllegalStateException.class, refused.getClass(), refused.getMessage());
    assertTrue(
        refused.getMessage().startsWith("cannot connect to Kafka at no-such-host.invalid:9092: "),
        refused.getMessage());
  }
}
