package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SeenIdsTest {

  private static final Duration WEEK = Duration.ofDays(7);
  private static final long DAY = Duration.ofDays(1).toMillis();

  @Test
  void shouldTellARepeatFromANewId() {
    SeenIds ids = new SeenIds();
    assertTrue(ids.add("m-1", 0, WEEK, 1000));
    assertTrue(ids.add("m-2", 0, WEEK, 1000));
    assertFalse(ids.add("m-1", 5, WEEK, 1000));
    assertEquals(2, ids.size());
  }

  @Test
  void shouldRememberManyIdsExactly() {
    SeenIds ids = new SeenIds();
    for (int i = 0; i < 50_000; i++) {
      assertTrue(ids.add("id-" + i, i, WEEK, 1_000_000), "new: id-" + i);
    }
    for (int i = 0; i < 50_000; i++) {
      assertFalse(ids.add("id-" + i, 50_000, WEEK, 1_000_000), "repeat: id-" + i);
    }
    assertEquals(50_000, ids.size());
  }

  @Test
  void shouldRememberAnIdForItsWholeMemoryAndForgetItWithinADayAfter() {
    SeenIds ids = new SeenIds();
    ids.add("early", 0, WEEK, 1000);
    for (long day = 1; day <= 7; day++) {
      ids.add("day-" + day, day * DAY, WEEK, 1000); // one bucket a day
    }
    assertFalse(ids.add("early", 7 * DAY - 1, WEEK, 1000), "still within 7 days");
    ids.add("later", 8 * DAY, WEEK, 1000);
    assertTrue(ids.add("early", 8 * DAY, WEEK, 1000), "more than 7 days on: forgotten");
    assertFalse(ids.add("day-7", 8 * DAY, WEEK, 1000), "a day old: remembered");
  }

  @Test
  void shouldForgetTheOldestIdsBeyondItsCapacity() {
    SeenIds ids = new SeenIds();
    int capacity = 80; // buckets of 10
    for (int i = 0; i < 200; i++) {
      ids.add("id-" + i, 0, WEEK, capacity);
    }
    assertTrue(ids.size() <= capacity + capacity / SeenIds.BUCKETS, "size " + ids.size());
    assertFalse(ids.add("id-199", 0, WEEK, capacity), "the newest are remembered");
    assertTrue(ids.add("id-0", 0, WEEK, capacity), "the oldest were let go");
  }

  @Test
  void shouldComeBackFromItsSerializedFormAndCopyIndependently() throws Exception {
    SeenIds ids = new SeenIds();
    for (int i = 0; i < 1000; i++) {
      ids.add("id-" + i, i * (DAY / 500), WEEK, 1_000_000); // over two days: 3 buckets
    }
    DataOutputSerializer out = new DataOutputSerializer(64);
    SeenIdsSerializer.INSTANCE.serialize(ids, out);
    SeenIds back =
        SeenIdsSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.wrapAsByteBuffer()));
    SeenIds copy = SeenIdsSerializer.INSTANCE.copy(ids);
    assertTrue(copy.add("only-in-the-copy", 2 * DAY, WEEK, 1_000_000));

    assertEquals(1000, back.size());
    assertEquals(ids.buckets().size(), back.buckets().size(), "buckets kept");
    assertEquals(1000, ids.size(), "the original untouched by its copy");
    for (int i = 0; i < 1000; i++) {
      assertFalse(back.add("id-" + i, 3 * DAY, WEEK, 1_000_000));
    }
    assertTrue(back.add("only-in-the-copy", 3 * DAY, WEEK, 1_000_000));
  }
}
