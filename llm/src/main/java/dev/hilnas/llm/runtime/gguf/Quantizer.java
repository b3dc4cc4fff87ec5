package dev.hilnas.llm.runtime.gguf;

import java.nio.ByteBuffer;

/**
 * Packs fp32 weights into ggml blocks the way ggml's reference quantizers do ({@code
 * quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}), and unpacks them again for tests. The
 * buffer must be little-endian. Stateless and thread-safe.
 */
public final class Quantizer {

  private Quantizer() {}

  /** Appends {@code values} (a multiple of the block size) to {@code out} in {@code type}. */
  public static void pack(GgmlType type, float[] values, ByteBuffer out) {
    switch (type) {
      case F32 -> {
        for (float v : values) {
          out.putFloat(v);
        }
      }
      case F16 -> {
        for (float v : values) {
          out.putShort(Half.fromFloat(v));
        }
      }
      case Q8_0 -> {
        checkBlocks(type, values.length);
        for (int b = 0; b < values.length; b += 32) {
          float amax = 0;
          for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(values[b + j]));
          }
          float d = amax / 127f;
          float id = d != 0 ? 1f / d : 0f;
          out.putShort(Half.fromFloat(d));
          for (int j = 0; j < 32; j++) {
            out.put((byte) Math.round(values[b + j] * id));
          }
        }
      }
      case Q4_0 -> {
        checkBlocks(type, values.length);
        for (int b = 0; b < values.length; b += 32) {
          float amax = 0;
          float max = 0; // the value of largest magnitude, with its sign
          for (int j = 0; j < 32; j++) {
            float v = values[b + j];
            if (Math.abs(v) > amax) {
              amax = Math.abs(v);
              max = v;
            }
          }
          float d = max / -8f;
          float id = d != 0 ? 1f / d : 0f;
          out.putShort(Half.fromFloat(d));
          for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (values[b + j] * id + 8.5f));
            int hi = Math.min(15, (int) (values[b + 16 + j] * id + 8.5f));
            out.put((byte) (lo | (hi << 4)));
          }
        }
      }
    }
  }

  /** Reads {@code count} weights of {@code type} from {@code in}: the inverse of {@link #pack}. */
  public static float[] unpack(GgmlType type, ByteBuffer in, int count) {
    float[] out = new float[count];
    switch (type) {
      case F32 -> {
        for (int i = 0; i < count; i++) {
          out[i] = in.getFloat();
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out[i] = Half.toFloat(in.getShort());
        }
      }
      case Q8_0 -> {
        checkBlocks(type, count);
        for (int b = 0; b < count; b += 32) {
          float d = Half.toFloat(in.getShort());
          for (int j = 0; j < 32; j++) {
            out[b + j] = in.get() * d;
          }
        }
      }
      case Q4_0 -> {
        checkBlocks(type, count);
        for (int b = 0; b < count; b += 32) {
          float d = Half.toFloat(in.getShort());
          for (int j = 0; j < 16; j++) {
            int q = in.get() & 0xff;
            out[b + j] = ((q & 0x0f) - 8) * d;
            out[b + 16 + j] = ((q >> 4) - 8) * d;
          }
        }
      }
    }
    return out;
  }

  private static void checkBlocks(GgmlType type, int count) {
    type.bytes(count);
  }
}
