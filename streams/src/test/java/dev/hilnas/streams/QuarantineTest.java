package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.schemas.DeadLetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.util.FlinkRuntimeException;
import org.junit.jupiter.api.Test;

class QuarantineTest {

  private final List<String> out = new ArrayList<>();
  private final List<DeadLetter> dlq = new ArrayList<>();
  private final List<String> undone = new ArrayList<>();

  private static final Function<RuntimeException, DeadLetter> LETTER =
      failure ->
          DeadLetter.newBuilder()
              .setSourceTopic("hil.measurements")
              .setReason("frontiers threw " + failure)
              .setComponent("flink-frontiers")
              .setFailedAt(Instant.EPOCH)
              .build();

  private boolean run(Quarantine.Work<String> work) throws Exception {
    return Quarantine.run(
        work,
        () -> undone.add("undone"),
        new ListCollector<>(out),
        LETTER,
        (tag, letter) -> {
          assertSame(DeadLetters.TAG, tag);
          dlq.add(letter);
        });
  }

  @Test
  void shouldPassOnWhatWorkThatCompletesCollected() throws Exception {
    assertTrue(
        run(
            held -> {
              held.collect("a");
              held.collect("b");
            }));

    assertEquals(List.of("a", "b"), out);
    assertEquals(List.of(), dlq);
    assertEquals(List.of(), undone);
  }

  @Test
  void shouldHoldBackWhatAFailedRecordCollectedUndoItAndSendItToTheDlq() throws Exception {
    assertFalse(
        run(
            held -> {
              held.collect("half an update");
              throw new IllegalArgumentException("reference point must be finite");
            }));

    assertEquals(List.of(), out, "nothing of a record that threw is published");
    assertEquals(List.of("undone"), undone);
    assertEquals(
        "frontiers threw java.lang.IllegalArgumentException: reference point must be finite",
        dlq.get(0).getReason());
    assertEquals(1, dlq.size());
  }

  @Test
  void shouldSendARecordRefusedAtABoundToTheDlqWithoutUndoingAnything() throws Exception {
    assertFalse(
        run(
            held -> {
              throw new StateLimitExceeded("target t holds 2 measured pairs");
            }));

    assertEquals(List.of(), undone, "a refusal changed nothing: the operator's cache stays");
    assertEquals(1, dlq.size());
  }

  @Test
  void shouldLetAFailureOfFlinkItselfFailTheJob() {
    FlinkRuntimeException stateBackend = new FlinkRuntimeException("Error while adding to RocksDB");

    assertSame(
        stateBackend,
        assertThrows(
            FlinkRuntimeException.class,
            () ->
                run(
                    held -> {
                      throw stateBackend;
                    })));
    assertEquals(List.of(), dlq, "not the record's fault: a restart is the cure");
    assertEquals(List.of(), undone);
  }
}
