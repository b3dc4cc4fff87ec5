package dev.hilnas.sinks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventFanOutTest {

  @Test
  void shouldNotEncodeAnEventNobodyIsSubscribedTo() {
    AtomicInteger encoded = new AtomicInteger();
    try (EventFanOut<String> fanOut = new EventFanOut<>("test", 4, 1, 8, Duration.ofMinutes(1))) {
      for (int i = 0; i < 3; i++) {
        fanOut.publish(
            "update " + i,
            () -> {
              encoded.incrementAndGet();
              return new byte[0];
            });
      }
    }
    assertEquals(0, encoded.get());
  }
}
