package dev.hilnas.producers.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecentIdsTest {

  @Test
  void remembersWhatWasAddedAndForgetsTheOldestBeyondItsCapacity() {
    RecentIds recent = new RecentIds(1_000, 4);
    assertFalse(recent.contains("m1"));
    recent.add("m1");
    assertTrue(recent.contains("m1"));

    IntStream.range(0, 10_000).forEach(i -> recent.add("later-" + i));
    assertFalse(recent.contains("m1"), "the oldest id is forgotten");
    assertTrue(recent.contains("later-9999"), "the newest is kept");
    long kept = IntStream.range(0, 10_000).filter(i -> recent.contains("later-" + i)).count();
    assertTrue(kept > 800 && kept <= 1_000, "about its capacity is kept: " + kept);
  }
}
