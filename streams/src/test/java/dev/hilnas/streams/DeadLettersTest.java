package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static byte[] filled(int length, char c) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) c);
    return out;
  }

  @Test
  void shouldKeepARecordThatFitsAsItCame() {
    RawRecord raw =
        new RawRecord(
            "hil.measurements", 2, 41, "box/rt".getBytes(StandardCharsets.UTF_8), filled(10, 'v'));

    DeadLetter letter =
        DeadLetters.of(raw, "line 1: missing field 'latencyMs'", "flink-validate", 7);

    assertEquals("hil.measurements", letter.getSourceTopic());
    assertEquals(2, letter.getPartition());
    assertEquals(41L, letter.getOffset());
    assertEquals("box/rt", new String(bytes(letter.getKey()), StandardCharsets.UTF_8));
    assertArrayEquals(filled(10, 'v'), bytes(letter.getValue()));
    assertEquals("line 1: missing field 'latencyMs'", letter.getReason());
    assertEquals("flink-validate", letter.getComponent());
    assertEquals(Instant.ofEpochMilli(7), letter.getFailedAt());
  }

  @Test
  void shouldCutAnOversizedRecordToFitTheDlqAndSaySo() {
    byte[] value = filled(2_000_000, 'v'); // over Kafka's default message limit on its own
    byte[] key = filled(5_000, 'k');
    String reason = "x".repeat(10_000);

    DeadLetter letter =
        DeadLetters.of(new RawRecord("hil.measurements", 3, 99, key, value), reason, "c", 0);

    assertEquals(
        "x".repeat(4000)
            + " [reason cut to 4000 of 10000 characters]"
            + " [key cut to its first 1024 of 5000 bytes]"
            + " [value cut to its first 65536 of 2000000 bytes]",
        letter.getReason());
    assertArrayEquals(Arrays.copyOf(value, 65536), bytes(letter.getValue()));
    assertArrayEquals(Arrays.copyOf(key, 1024), bytes(letter.getKey()));
    assertEquals("hil.measurements", letter.getSourceTopic());
    assertEquals(3, letter.getPartition());
    assertEquals(99L, letter.getOffset());
    int encoded = Topics.DLQ.valueSerde().serializer().serialize("hil.dlq", letter).length;
    assertTrue(encoded < 80 * 1024, encoded + " bytes, far below the 1 MB message limit");
  }

  @Test
  void shouldNotCutAReasonInsideACharacter() {
    String reason = "x".repeat(3999) + "😀" + "tail";

    String cut = DeadLetters.of(new RawRecord("t", 0, 0, null, null), reason, "c", 0).getReason();

    assertEquals("x".repeat(3999) + " [reason cut to 3999 of 4005 characters]", cut);
  }

  @Test
  void shouldNameWhatThrewAndTheExceptionForARecordPastValidation() {
    Candidate c =
        Candidate.builder()
            .layers(2)
            .dModel(64)
            .heads(2, 1)
            .headDim(32)
            .ffnDim(128)
            .vocabSize(100)
            .build();
    LatencyMeasurement m =
        Convert.toAvro(
            Measurement.of(
                "c", c, new HardwareTarget("box", "rt"), Phase.DECODE, 64, 1e308, List.of()));

    DeadLetter letter =
        DeadLetters.thrown(
            Topics.MEASUREMENTS,
            "box/rt",
            m,
            "flink-frontiers",
            "frontiers of box/rt",
            new IllegalArgumentException("reference point must have finite latency"),
            5);

    assertEquals(
        "frontiers of box/rt threw java.lang.IllegalArgumentException:"
            + " reference point must have finite latency",
        letter.getReason());
    assertEquals("flink-frontiers", letter.getComponent());
    assertEquals("hil.measurements", letter.getSourceTopic());
    assertNull(letter.getPartition(), "not carried past validation");
    assertNull(letter.getOffset());
    assertEquals("box/rt", new String(bytes(letter.getKey()), StandardCharsets.UTF_8));
    assertEquals(
        m,
        Topics.MEASUREMENTS.valueSerde().deserializer().deserialize("", bytes(letter.getValue())));
    assertEquals(Instant.ofEpochMilli(5), letter.getFailedAt());
  }
}
