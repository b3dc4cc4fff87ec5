package dev.hilnas.llm.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Block layouts checked byte by byte against ggml's reference quantizers, computed by hand. */
class QuantizerTest {

  private static final float HALF_ULP = 1e-3f;

  @Test
  void shouldPackQ8_0AsAHalfScaleThen32SignedBytes() {
    float[] block = new float[32];
    for (int i = 0; i < 32; i++) {
      block[i] = i - 16; // amax 16 -> d = 16/127, q = round(x * 127/16)
    }
    ByteBuffer out = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);

    Quantizer.pack(GgmlType.Q8_0, block, out);

    assertEquals(34, out.position());
    assertEquals(16f / 127, Half.toFloat(out.getShort(0)), HALF_ULP);
    assertEquals(-127, out.get(2)); // -16
    assertEquals(0, out.get(2 + 16)); // 0
    assertEquals(Math.round(15 * 127f / 16), out.get(2 + 31)); // 15 -> 119
  }

  @Test
  void shouldPackQ4_0WithElementJInTheLowNibbleAndJPlus16InTheHigh() {
    float[] block = new float[32];
    block[0] = -8; // the largest magnitude, negative: d = -8 / -8 = 1
    block[16] = 7;
    block[1] = 3;
    ByteBuffer out = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);

    Quantizer.pack(GgmlType.Q4_0, block, out);

    assertEquals(1f, Half.toFloat(out.getShort(0)));
    assertEquals(0x0f << 4 | 0x00, out.get(2) & 0xff); // -8 -> 0 (low), 7 -> 15 (high)
    assertEquals(0x08 << 4 | 0x0b, out.get(3) & 0xff); // 3 -> 11 (low), 0 -> 8 (high)
  }

  @Test
  void shouldReadBackWithinHalfAStepOfTheQuantization() {
    float[] values = new float[64];
    for (int i = 0; i < 64; i++) {
      values[i] = (float) Math.sin(i);
    }
    for (GgmlType type : GgmlType.values()) {
      ByteBuffer out = ByteBuffer.allocate((int) type.bytes(64)).order(ByteOrder.LITTLE_ENDIAN);
      Quantizer.pack(type, values, out);
      float[] back = Quantizer.unpack(type, out.flip(), 64);
      float step = type == GgmlType.Q4_0 ? 1f / 8 : type == GgmlType.Q8_0 ? 1f / 127 : 1e-3f;
      for (int i = 0; i < 64; i++) {
        assertEquals(values[i], back[i], step, type + " weight " + i);
      }
    }
  }

  @Test
  void shouldRoundHalfPrecisionToNearestEven() {
    assertEquals(0x3c00, Half.fromFloat(1f));
    assertEquals((short) 0xc000, Half.fromFloat(-2f));
    assertEquals(0x7bff, Half.fromFloat(65504f));
    assertEquals(0x7c00, Half.fromFloat(1e6f));
    assertEquals(0x0001, Half.fromFloat(0x1p-24f)); // smallest subnormal
    assertEquals(0x3c00, Half.fromFloat(1f + 0x1p-11f)); // a tie rounds to the even 1.0
    assertEquals(0x3c02, Half.fromFloat(1f + 3 * 0x1p-11f)); // a tie rounds up to even
    assertArrayEquals(
        new float[] {1f, -2f, 65504f, 0x1p-24f},
        new float[] {
          Half.toFloat((short) 0x3c00),
          Half.toFloat((short) 0xc000),
          Half.toFloat((short) 0x7bff),
          Half.toFloat((short) 0x0001)
        });
  }
}
