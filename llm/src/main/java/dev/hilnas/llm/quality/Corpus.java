package dev.hilnas.llm.quality;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A byte-level text corpus split into training and held-out text. The split is by blocks of whole
 * lines (verses): every {@value #HELD_OUT_EVERY}th block of {@value #BLOCK_LINES} lines is held
 * out, so the held-out text is spread over the whole corpus but never seen in training.
 */
public record Corpus(byte[] train, byte[] heldOut) {

  static final int BLOCK_LINES = 50;
  static final int HELD_OUT_EVERY = 20;

  public static Corpus split(String text) {
    ByteArrayOutputStream train = new ByteArrayOutputStream();
    ByteArrayOutputStream heldOut = new ByteArrayOutputStream();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      boolean held = (i / BLOCK_LINES) % HELD_OUT_EVERY == HELD_OUT_EVERY - 1;
      (held ? heldOut : train).writeBytes((lines[i] + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    return new Corpus(train.toByteArray(), heldOut.toByteArray());
  }

  /** Bytes as token ids 0..255. */
  static int[] tokens(byte[] text, int from, int count) {
    int[] tokens = new int[count];
    for (int i = 0; i < count; i++) {
      tokens[i] = text[from + i] & 0xFF;
    }
    return tokens;
  }
}
