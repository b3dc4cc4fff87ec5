package dev.hilnas.llm.runtime.gguf;

/**
 * The tensor types this writer produces, with ggml's type ids and block layouts (ggml.h: {@code
 * GGML_TYPE_F32 = 0}, {@code F16 = 1}, {@code Q4_0 = 2}, {@code Q8_0 = 8}).
 */
public enum GgmlType {
  F32(0, 1, 4),
  F16(1, 1, 2),
  /** 32 weights per block: an fp16 scale, then 16 bytes of 4-bit values (offset by 8). */
  Q4_0(2, 32, 2 + 16),
  /** 32 weights per block: an fp16 scale, then 32 signed bytes. */
  Q8_0(8, 32, 2 + 32);

  /** ggml's id of the type, written in the tensor info. */
  public final int id;

  /** Weights per block; a row's length must be a multiple of it. */
  public final int blockSize;

  /** Bytes per block. */
  public final int blockBytes;

  GgmlType(int id, int blockSize, int blockBytes) {
    this.id = id;
    this.blockSize = blockSize;
    this.blockBytes = blockBytes;
  }

  /** Bytes of {@code elements} weights, which must be a whole number of blocks. */
  public long bytes(long elements) {
    if (elements % blockSize != 0) {
      throw new IllegalArgumentException(
          this + " stores blocks of " + blockSize + " weights, got " + elements);
    }
    return elements / blockSize * blockBytes;
  }

  /** The lower-case name llama.cpp uses for the weight type, e.g. {@code q8_0}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
