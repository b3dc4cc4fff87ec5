package dev.hilnas.llm.runtime.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF file (version 3, little-endian; ggml's docs/gguf.md): the header, the metadata
 * key/values in the order put, the tensor infos, then each tensor's data at an offset aligned to
 * {@link #ALIGNMENT}. Tensor data is produced row by row while writing, so a model of any size
 * needs one row in memory. Not thread-safe; one writer writes one file.
 */
public final class GgufWriter {

  /** "GGUF" read as a little-endian uint32. */
  public static final int MAGIC = 0x46554747;

  public static final int VERSION = 3;

  /** Where each tensor's data starts, relative to the data section (general.alignment). */
  public static final int ALIGNMENT = 32;

  /** GGUF's metadata value types (gguf_metadata_value_type). */
  enum ValueType {
    UINT8,
    INT8,
    UINT16,
    INT16,
    UINT32,
    INT32,
    FLOAT32,
    BOOL,
    STRING,
    ARRAY,
    UINT64,
    INT64,
    FLOAT64
  }

  /** Fills one row (ne0 weights) of a tensor; rows are asked for in order. */
  @FunctionalInterface
  public interface Rows {
    void fill(long row, float[] out);
  }

  private record Value(ValueType type, ValueType elementType, Object value) {}

  private record Tensor(String name, GgmlType type, long[] dims, Rows rows) {
    long elements() {
      return Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    }

    long bytes() {
      return type.bytes(elements());
    }
  }

  private final Map<String, Value> metadata = new LinkedHashMap<>();
  private final List<Tensor> tensors = new ArrayList<>();

  public GgufWriter() {
    putUInt32("general.alignment", ALIGNMENT);
  }

  public GgufWriter putString(String key, String value) {
    return put(key, new Value(ValueType.STRING, null, value));
  }

  public GgufWriter putUInt32(String key, int value) {
    return put(key, new Value(ValueType.UINT32, null, value));
  }

  public GgufWriter putFloat32(String key, float value) {
    return put(key, new Value(ValueType.FLOAT32, null, value));
  }

  public GgufWriter putBool(String key, boolean value) {
    return put(key, new Value(ValueType.BOOL, null, value));
  }

  public GgufWriter putInt32Array(String key, int[] values) {
    return put(key, new Value(ValueType.ARRAY, ValueType.INT32, values.clone()));
  }

  public GgufWriter putFloat32Array(String key, float[] values) {
    return put(key, new Value(ValueType.ARRAY, ValueType.FLOAT32, values.clone()));
  }

  public GgufWriter putStringArray(String key, List<String> values) {
    return put(key, new Value(ValueType.ARRAY, ValueType.STRING, List.copyOf(values)));
  }

  /**
   * Adds a tensor.
   *
   * @param dims ggml's order: {@code dims[0]} is the row length (contiguous), a multiple of the
   *     type's block size
   */
  public GgufWriter addTensor(String name, GgmlType type, long[] dims, Rows rows) {
    if (dims.length < 1 || dims.length > 4) {
      throw new IllegalArgumentException(name + ": a tensor has 1 to 4 dimensions");
    }
    if (dims[0] % type.blockSize != 0) {
      throw new IllegalArgumentException(
          name + ": rows of " + dims[0] + " weights are not whole " + type + " blocks");
    }
    if (tensors.stream().anyMatch(t -> t.name().equals(name))) {
      throw new IllegalArgumentException("tensor " + name + " added twice");
    }
    tensors.add(new Tensor(name, type, dims.clone(), rows));
    return this;
  }

  /** Writes the file, replacing what is there. */
  public void write(Path file) throws IOException {
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      Sink sink = new Sink(out);
      sink.int32(MAGIC);
      sink.int32(VERSION);
      sink.int64(tensors.size());
      sink.int64(metadata.size());
      for (Map.Entry<String, Value> e : metadata.entrySet()) {
        sink.string(e.getKey());
        sink.int32(e.getValue().type().ordinal());
        writeValue(sink, e.getValue());
      }
      long offset = 0;
      for (Tensor t : tensors) {
        sink.string(t.name());
        sink.int32(t.dims().length);
        for (long d : t.dims()) {
          sink.int64(d);
        }
        sink.int32(t.type().id);
        sink.int64(offset);
        offset = align(offset + t.bytes());
      }
      sink.pad();
      for (Tensor t : tensors) {
        writeData(sink, t);
        sink.pad();
      }
      sink.flush();
    }
  }

  static long align(long offset) {
    return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  private GgufWriter put(String key, Value value) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("a metadata key must not be empty");
    }
    metadata.put(key, value);
    return this;
  }

  private static void writeValue(Sink sink, Value v) throws IOException {
    switch (v.type()) {
      case STRING -> sink.string((String) v.value());
      case UINT32 -> sink.int32((Integer) v.value());
      case FLOAT32 -> sink.float32((Float) v.value());
      case BOOL -> sink.int8((Boolean) v.value() ? 1 : 0);
      case ARRAY -> {
        sink.int32(v.elementType().ordinal());
        switch (v.elementType()) {
          case INT32 -> {
            int[] values = (int[]) v.value();
            sink.int64(values.length);
            for (int x : values) {
              sink.int32(x);
            }
          }
          case FLOAT32 -> {
            float[] values = (float[]) v.value();
            sink.int64(values.length);
            for (float x : values) {
              sink.float32(x);
            }
          }
          case STRING -> {
            @SuppressWarnings("unchecked")
            List<String> values = (List<String>) v.value();
            sink.int64(values.size());
            for (String x : values) {
              sink.string(x);
            }
          }
          default -> throw new IllegalStateException("no arrays of " + v.elementType());
        }
      }
      default -> throw new IllegalStateException("no values of " + v.type());
    }
  }

  private static void writeData(Sink sink, Tensor t) throws IOException {
    int rowLength = Math.toIntExact(t.dims()[0]);
    long rows = t.elements() / rowLength;
    float[] row = new float[rowLength];
    ByteBuffer packed =
        ByteBuffer.allocate(Math.toIntExact(t.type().bytes(rowLength)))
            .order(ByteOrder.LITTLE_ENDIAN);
    for (long r = 0; r < rows; r++) {
      t.rows().fill(r, row);
      packed.clear();
      Quantizer.pack(t.type(), row, packed);
      packed.flip();
      sink.bytes(packed);
    }
  }

  /** Buffered little-endian writes that know the file position, for padding. */
  private static final class Sink {
    private final FileChannel out;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    Sink(FileChannel out) {
      this.out = out;
    }

    void int8(int v) throws IOException {
      room(1);
      buffer.put((byte) v);
      position += 1;
    }

    void int32(int v) throws IOException {
      room(4);
      buffer.putInt(v);
      position += 4;
    }

    void int64(long v) throws IOException {
      room(8);
      buffer.putLong(v);
      position += 8;
    }

    void float32(float v) throws IOException {
      room(4);
      buffer.putFloat(v);
      position += 4;
    }

    void string(String s) throws IOException {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      int64(utf8.length);
      bytes(ByteBuffer.wrap(utf8));
    }

    void bytes(ByteBuffer data) throws IOException {
      while (data.hasRemaining()) {
        room(1);
        int n = Math.min(buffer.remaining(), data.remaining());
        ByteBuffer slice = data.slice();
        slice.limit(n);
        buffer.put(slice);
        data.position(data.position() + n);
        position += n;
      }
    }

    /** Zeros up to the next multiple of {@link #ALIGNMENT} of the file position. */
    void pad() throws IOException {
      while (position % ALIGNMENT != 0) {
        int8(0);
      }
    }

    private void room(int n) throws IOException {
      if (buffer.remaining() < n) {
        flush();
      }
    }

    void flush() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      buffer.clear();
    }
  }
}
