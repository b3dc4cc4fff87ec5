package dev.hilnas.app.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * How the HTTP server bounds what clients can hold, and whether it speaks TLS
 * (docs/http-api.md#limits). No client, however slow or hostile, holds a thread, a connection or an
 * event-stream slot for longer than these allow.
 *
 * @param threads requests handled at once: a fixed pool; more requests wait for a thread
 * @param maxConnections open connections, event streams' included; one more is closed as soon as it
 *     is accepted
 * @param readTimeout how long a client has to send a whole request, headers and body, before its
 *     connection is closed (whole seconds, rounded up)
 * @param idleTimeout how long a kept-alive connection may wait for its next request (whole seconds,
 *     rounded up)
 * @param writeTimeout how long a write of a response may make no progress (the client is not
 *     reading) before the connection is closed
 * @param streamClients frontier event-stream subscribers at once; one more gets 503
 * @param streamWriters threads that write to all event-stream subscribers together (a subscriber
 *     holds no thread of its own)
 * @param tls the server's key and certificate, for HTTPS ({@link #tls(Path, String)}); null for
 *     plain HTTP
 */
public record HttpSettings(
    int threads,
    int maxConnections,
    Duration readTimeout,
    Duration idleTimeout,
    Duration writeTimeout,
    int streamClients,
    int streamWriters,
    SSLContext tls) {

  /** Request connections, on top of the event streams', unless told otherwise. */
  public static final int REQUEST_CONNECTIONS = 256;

  /** Event-stream subscribers unless told otherwise. */
  public static final int STREAM_CLIENTS = 2000;

  /** As {@code serve} and {@code demo} default to. */
  public static final HttpSettings DEFAULTS =
      new HttpSettings(
          32,
          REQUEST_CONNECTIONS + STREAM_CLIENTS,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          STREAM_CLIENTS,
          4,
          null);

  public HttpSettings {
    atLeastOne(threads, "HTTP threads");
    atLeastOne(maxConnections, "HTTP connections");
    atLeastOne(streamClients, "event-stream clients");
    atLeastOne(streamWriters, "event-stream writers");
    positive(readTimeout, "the HTTP read timeout");
    positive(idleTimeout, "the HTTP idle timeout");
    positive(writeTimeout, "the HTTP write timeout");
  }

  /** TLS with the key and certificate of a PKCS12 keystore (one key, its password the store's). */
  public static SSLContext tls(Path keystore, String password) {
    char[] secret = password.toCharArray();
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, secret);
      KeyManagerFactory managers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      managers.init(keys, secret);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(managers.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot serve TLS with the keystore " + keystore + ": " + e.getMessage(), e);
    }
  }

  private static void atLeastOne(int value, String what) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + value);
    }
  }

  private static void positive(Duration value, String what) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
  }
}
