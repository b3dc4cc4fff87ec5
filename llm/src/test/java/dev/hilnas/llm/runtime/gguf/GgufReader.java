package dev.hilnas.llm.runtime.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads back what {@link GgufWriter} writes, following docs/gguf.md independently of it. */
final class GgufReader {

  record TensorInfo(String name, long[] dims, int type, long offset) {}

  final int magic;
  final int version;
  final Map<String, Object> metadata = new LinkedHashMap<>();
  final List<TensorInfo> tensors = new ArrayList<>();
  final long dataStart;
  final ByteBuffer file;

  GgufReader(Path path) throws IOException {
    file = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    magic = file.getInt();
    version = file.getInt();
    long tensorCount = file.getLong();
    long kvCount = file.getLong();
    for (long i = 0; i < kvCount; i++) {
      String key = string();
      metadata.put(key, value(file.getInt()));
    }
    for (long i = 0; i < tensorCount; i++) {
      String name = string();
      long[] dims = new long[file.getInt()];
      for (int d = 0; d < dims.length; d++) {
        dims[d] = file.getLong();
      }
      tensors.add(new TensorInfo(name, dims, file.getInt(), file.getLong()));
    }
    int alignment = ((Number) metadata.getOrDefault("general.alignment", 32)).intValue();
    dataStart = (file.position() + alignment - 1) / alignment * alignment;
  }

  TensorInfo tensor(String name) {
    return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  /** A little-endian view of the file from the tensor's first byte. */
  ByteBuffer data(TensorInfo t) {
    return file.duplicate()
        .order(ByteOrder.LITTLE_ENDIAN)
        .position(Math.toIntExact(dataStart + t.offset()));
  }

  private String string() {
    byte[] bytes = new byte[Math.toIntExact(file.getLong())];
    file.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private Object value(int type) {
    return switch (type) {
      case 4, 5 -> file.getInt();
      case 6 -> file.getFloat();
      case 7 -> file.get() != 0;
      case 8 -> string();
      case 9 -> {
        int elementType = file.getInt();
        long n = file.getLong();
        List<Object> values = new ArrayList<>();
        for (long i = 0; i < n; i++) {
          values.add(value(elementType));
        }
        yield values;
      }
      default -> throw new IllegalStateException("unexpected value type " + type);
    };
  }
}
