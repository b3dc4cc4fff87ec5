package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.app.stack.HttpSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * Durations and target ids on the command line are read by core's parsers, whose messages reach the
 * user; Kafka settings that cannot work are refused before anything connects.
 */
class OptionValuesTest {

  private static final String NOT_A_TARGET =
      "target must look like hardware/runtime[/precision], e.g. pixel8-cpu/executorch-xnnpack, got 'pixel8'";

  /** The first line a command prints to stderr, after checking it refused its arguments. */
  private static String refusal(String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(2, run.exit(), run.err());
    return run.err().lines().findFirst().orElseThrow();
  }

  @Test
  void aDurationThatIsNotOneIsRefusedBeforeTheCommandRuns() {
    assertEquals(
        "Invalid value for option '--for': duration must look like 500ms, 2s, 5m, 1h or PT1M30S, got 'soon'",
        refusal("serve", "--for", "soon"));
  }

  @Test
  void aTargetOptionThatIsNoTargetIdIsRefusedBeforeTheCommandRuns() {
    assertEquals(
        "Invalid value for option '--target' (HARDWARE/RUNTIME[/PRECISION]): " + NOT_A_TARGET,
        refusal("device", "add", "--id", "lab-1", "--target", "pixel8"));
    assertEquals(
        "Invalid value for option '--target': " + NOT_A_TARGET,
        refusal(
            "frontier",
            "--measurements",
            "m.jsonl",
            "--quality",
            "q.jsonl",
            "--objective",
            "DECODE@512",
            "--target",
            "pixel8"));
  }

  @Test
  void theSearchRefusesATargetIdItCannotReadBeforeItConnects() {
    assertEquals("error: " + NOT_A_TARGET, refusal("search", "--target", "pixel8=2"));
    assertEquals("error: " + NOT_A_TARGET, refusal("search", "--budget", "pixel8:DECODE@512=5"));
  }

  @Test
  void theSearchRefusesABudgetOfNoTimeBeforeItConnects() {
    assertEquals(
        "error: --budget: a latency budget is milliseconds > 0, got -5",
        refusal("search", "--budget", "a/b:DECODE@256=-5"));
    assertEquals(
        "error: --budget: a latency budget is milliseconds > 0, got soon",
        refusal("search", "--budget", "a/b:DECODE@256=soon"));
  }

  @Test
  void theSearchRefusesToAllowNoAttemptBeforeItConnects() {
    assertEquals(
        "error: --max-attempts must be >= 1, got 0", refusal("search", "--max-attempts", "0"));
  }

  @Test
  void aPortThatCannotBeOneIsRefusedBeforeAnythingStarts() {
    assertEquals(
        "error: --http-port must be 0 (any free port) to 65535, got -1",
        refusal("demo", "--http-port", "-1"));
    assertEquals(
        "error: --port must be 0 (any free port) to 65535, got 70000",
        refusal("serve", "--port", "70000", "--http-port", "0"));
  }

  @Test
  void aPortInUseIsNamedWithItsOptionBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertEquals(
          "error: port "
              + port
              + " is in use (by another hilnas serve or demo, or another server); choose another"
              + " with --http-port or 0 for any free one",
          refusal("serve", "--http-port", String.valueOf(port)));
    }
  }

  @Test
  void aTlsKeystoreWithoutItsPasswordIsRefusedBeforeAnythingStarts() {
    assertEquals(
        "error: --tls-keystore and --tls-password go together: give both, or neither",
        refusal("serve", "--tls-keystore", "server.p12"));
  }

  @Test
  void aSecuredEmbeddedBrokerAndAClusterOfOnesOwnAreRefusedTogether() {
    String refused =
        "error: --secure secures the embedded broker; a cluster given with --bootstrap or"
            + " --kafka-config is secured its own way";
    assertEquals(refused, refusal("serve", "--secure", "--bootstrap", "kafka:9092"));
    assertEquals(refused, refusal("serve", "--secure", "--kafka-config", "cluster.properties"));
  }

  @Test
  void aKafkaConfigThatIsNotThereIsNamedBeforeAnythingConnects() {
    assertEquals(
        "error: Kafka client properties no-such.properties do not exist",
        refusal("search", "--kafka-config", "no-such.properties"));
    assertEquals(
        "error: Kafka client properties no-such.properties do not exist",
        refusal("serve", "--kafka-config", "no-such.properties"));
  }

  @Test
  void anHttpLimitBelowOneIsRefusedBeforeAnythingStarts() {
    assertEquals(
        "error: HTTP threads must be at least 1, got 0", refusal("demo", "--http-threads", "0"));
  }

  @Test
  void theHttpLimitsOfServeDefaultToTheStacksDefaults() {
    ServeCommand serve =
        HilnasCommand.commandLine()
            .parseArgs("serve")
            .subcommand()
            .commandSpec()
            .commandLine()
            .getCommand();

    assertEquals(HttpSettings.DEFAULTS, serve.http.settings());
  }
}
