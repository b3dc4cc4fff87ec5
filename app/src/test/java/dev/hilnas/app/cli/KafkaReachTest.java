package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.app.Main;
import dev.hilnas.schemas.KafkaConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  /**
   * A service started before its broker says it waits, and a stop meanwhile (here SIGTERM, as a
   * supervisor sends) says why it did nothing rather than ending without a word.
   */
  @Test
  void aStopWhileWaitingForTheBrokerIsSaid() throws Exception {
    Process search =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "search",
                "--bootstrap",
                "127.0.0.1:1",
                "--target",
                "box/rt=1")
            .redirectErrorStream(true)
            .start();
    BufferedReader output =
        new BufferedReader(new InputStreamReader(search.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String line = output.readLine();
    while (line != null && !line.contains("waiting for one")) {
      lines.add(line);
      line = output.readLine();
    }
    assertNotNull(line, "said nothing of the wait: " + lines);
    assertEquals(
        "no Kafka broker answers at 127.0.0.1:1 yet: waiting for one (Ctrl-C stops)", line);

    search.toHandle().destroy(); // SIGTERM, the output left open to read
    List<String> rest = output.lines().toList();
    assertTrue(search.waitFor(60, TimeUnit.SECONDS));
    assertTrue(
        rest.contains("stopped while waiting for a Kafka broker at 127.0.0.1:1"), rest.toString());
  }
}
