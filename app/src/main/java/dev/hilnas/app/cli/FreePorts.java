package dev.hilnas.app.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks a command's ports before it starts a stack: a port in use made {@code serve} and {@code
 * demo} fail only after 15 s of starting a broker and Flink, with "Address already in use" and no
 * word of which port or option.
 */
final class FreePorts {
  private FreePorts() {}

  /**
   * @param port 0 for any free port, which needs no check
   * @throws IllegalArgumentException when {@code port} is out of range, or in use on this host
   */
  static void require(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          option + " must be 0 (any free port) to 65535, got " + port);
    }
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "port "
              + port
              + " is in use (another hilnas serve or demo?); choose another with "
              + option
              + " or 0 for any free one");
    }
  }
}
