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
   * @throws IllegalArgumentException when {@code port} cannot be a port
   */
  static void inRange(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          option + " must be 0 (any free port) to 65535, got " + port);
    }
  }

  /**
   * Probes the loopback address, where the embedded broker and the query service listen ({@code
   * localhost}); were they to listen elsewhere, the probe would have to follow.
   *
   * @param port 0 for any free port, which needs no check
   * @throws IllegalArgumentException when {@code port} is out of range, or in use on this host
   */
  static void require(String option, int port) {
    inRange(option, port);
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "port "
              + port
              + " is in use (by another hilnas serve or demo, or another server); choose another with "
              + option
              + " or 0 for any free one");
    }
  }
}
