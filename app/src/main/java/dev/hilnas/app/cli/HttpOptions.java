package dev.hilnas.app.cli;

import dev.hilnas.app.stack.HttpSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The HTTP server's limits and TLS, shared by {@code serve} and {@code demo}. */
final class HttpOptions {

  @Option(
      names = "--http-threads",
      defaultValue = "32",
      description = "Requests handled at once; more wait for a thread (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--http-max-connections",
      description =
          "Open HTTP connections at most, event streams' included; one more is closed at once"
              + " (default: 256 + --http-stream-clients).")
  Integer maxConnections;

  @Option(
      names = "--http-read-timeout",
      defaultValue = "10s",
      description =
          "Time a client has to send a whole request, headers and body, before its connection is"
              + " closed; whole seconds (default: ${DEFAULT-VALUE}).")
  Duration readTimeout;

  @Option(
      names = "--http-idle-timeout",
      defaultValue = "30s",
      description =
          "Time a kept-alive connection may wait for its next request; whole seconds (default:"
              + " ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(
      names = "--http-write-timeout",
      defaultValue = "30s",
      description =
          "Time a response may make no progress (the client not reading) before its connection"
              + " is closed (default: ${DEFAULT-VALUE}).")
  Duration writeTimeout;

  @Option(
      names = "--http-stream-clients",
      defaultValue = "2000",
      description =
          "Frontier event-stream subscribers at once; one more gets 503 (default:"
              + " ${DEFAULT-VALUE}).")
  int streamClients;

  @Option(
      names = "--http-stream-writers",
      defaultValue = "4",
      description =
          "Threads that write to all event-stream subscribers together; a subscriber holds no"
              + " thread of its own (default: ${DEFAULT-VALUE}).")
  int streamWriters;

  @Option(
      names = "--tls-keystore",
      paramLabel = "FILE",
      description =
          "Serve HTTPS with the key and certificate in this PKCS12 keystore (default: plain"
              + " HTTP). Needs --tls-password.")
  Path tlsKeystore;

  @Option(
      names = "--tls-password",
      paramLabel = "PASSWORD",
      description = "The keystore's password; better given as HILNAS_TLS_PASSWORD.")
  String tlsPassword;

  /** The settings; a keystore is read here, so a wrong one fails before anything starts. */
  HttpSettings settings() {
    if ((tlsKeystore == null) != (tlsPassword == null)) {
      throw new IllegalArgumentException(
          "--tls-keystore and --tls-password go together: give both, or neither");
    }
    return new HttpSettings(
        threads,
        maxConnections != null ? maxConnections : HttpSettings.REQUEST_CONNECTIONS + streamClients,
        readTimeout,
        idleTimeout,
        writeTimeout,
        streamClients,
        streamWriters,
        tlsKeystore == null ? null : HttpSettings.tls(tlsKeystore, tlsPassword));
  }
}
