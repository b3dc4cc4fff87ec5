package dev.hilnas.app.bench.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A subscriber's stream counted on its bytes as they arrive, however the reads cut it. */
class SubscribersTest {

  private static final String RESPONSE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n: connected\n\n"
          + "event: frontier\ndata: {\"a\":1}\n\n"
          + "event: frontier\ndata: {\"a\":2}\n\n"
          + "event: frontier\ndata: {\"event: frontier\":3}\n\n";

  /** Feeds the text in reads of {@code size} bytes, as the reader thread does. */
  private static Subscribers.Stream read(String text, int size) {
    Subscribers.Stream s = new Subscribers.Stream(true);
    byte[] all = text.getBytes(StandardCharsets.US_ASCII);
    byte[] scratch = new byte[Subscribers.CARRY + size];
    for (int at = 0; at < all.length; at += size) {
      int n = Math.min(size, all.length - at);
      System.arraycopy(all, at, scratch, Subscribers.CARRY, n);
      s.take(scratch, n);
    }
    return s;
  }

  @Test
  void shouldCountEveryEventWhereverTheReadsCutTheStream() {
    // from a first read that holds the status line, as the first packet of a response does
    for (int size = "HTTP/1.1 200 OK\r\n".length(); size <= RESPONSE.length(); size++) {
      Subscribers.Stream s = read(RESPONSE, size);
      assertEquals("HTTP/1.1 200 OK", s.status, "reads of " + size);
      assertTrue(s.connected, "reads of " + size);
      assertEquals(4, s.events, "reads of " + size + " (one name sits in a payload)");
    }
  }

  @Test
  void shouldSeeARefusalAndNoEvents() {
    Subscribers.Stream s = read("HTTP/1.1 503 Service Unavailable\r\n\r\n{}", 64);
    assertEquals("HTTP/1.1 503 Service Unavailable", s.status);
    assertFalse(s.connected);
    assertEquals(0, s.events);
  }
}
