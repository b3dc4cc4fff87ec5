package dev.hilnas.llm.runtime.gguf;

/**
 * IEEE 754 half precision, as ggml stores block scales (JDK 20 has this as {@code
 * Float.floatToFloat16}; the project builds for 17). Rounds to nearest, ties to even.
 */
final class Half {

  private Half() {}

  static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int magnitude = bits & 0x7fffffff;
    if (magnitude >= 0x7f800000) { // infinity or NaN
      return (short) (sign | 0x7c00 | (magnitude > 0x7f800000 ? 0x200 : 0));
    }
    int exponent = (magnitude >>> 23) - 127 + 15;
    if (exponent >= 31) {
      return (short) (sign | 0x7c00);
    }
    if (exponent <= 0) { // a half subnormal, or zero
      int shift = 14 - exponent;
      if (shift > 24) {
        return (short) sign;
      }
      int mantissa = (magnitude & 0x7fffff) | 0x800000;
      int half = mantissa >> shift;
      int rest = mantissa & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (exponent << 10) | ((magnitude >>> 13) & 0x3ff);
    int rest = magnitude & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++; // a carry into the exponent is right, up to infinity
    }
    return (short) (sign | half);
  }

  static float toFloat(short h) {
    int sign = (h & 0x8000) != 0 ? -1 : 1;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0) {
      return sign * mantissa * 0x1p-24f;
    }
    if (exponent == 31) {
      return mantissa == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
    }
    return Float.intBitsToFloat(
        ((h & 0x8000) << 16) | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }
}
