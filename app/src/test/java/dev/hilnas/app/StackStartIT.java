package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.core.Limits;
import dev.hilnas.streams.JobSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stack that cannot start all its parts stops the ones it started. */
class StackStartIT {

  @TempDir Path dir;

  @Test
  void aStartThatFailsLateStopsTheBrokerItStarted() throws Exception {
    int brokerPort = freePort();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // the query service, started after the broker and the job, finds its port taken
      assertThrows(
          IOException.class,
          () ->
              Stack.start(
                  new Stack.Options(
                      dir,
                      null,
                      false,
                      brokerPort,
                      taken.getLocalPort(),
                      HttpSettings.DEFAULTS,
                      1,
                      Duration.ofSeconds(2),
                      Duration.ofMillis(250),
                      JobSettings.DEFAULT_OBJECTIVES,
                      null,
                      true,
                      Limits.DEFAULTS)));
    }
    // the broker's port is free again: nothing of the failed start still runs behind it
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), brokerPort));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
