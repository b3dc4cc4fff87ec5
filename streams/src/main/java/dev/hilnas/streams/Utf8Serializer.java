package dev.hilnas.streams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Strings as their UTF-8 bytes, written in one piece. Flink's own {@link StringSerializer} writes
 * one character at a time, which made writing the frontiers' measured cells (a key per architecture
 * and objective) three quarters of the checkpoints' work in a profile of bench ingest. State
 * written by {@link StringSerializer} restores, and is written in this form from then on, on the
 * heap state backend the job uses (RocksDB and ForSt cannot migrate a map's keys).
 */
final class Utf8Serializer extends TypeSerializer<String> {

  static final Utf8Serializer INSTANCE = new Utf8Serializer();

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public TypeSerializer<String> duplicate() {
    return this; // stateless
  }

  @Override
  public String createInstance() {
    return "";
  }

  @Override
  public String copy(String from) {
    return from;
  }

  @Override
  public String copy(String from, String reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(String record, DataOutputView target) throws IOException {
    byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public String deserialize(DataInputView source) throws IOException {
    byte[] bytes = new byte[source.readInt()];
    source.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public String deserialize(String reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    byte[] bytes = new byte[source.readInt()];
    source.readFully(bytes);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof Utf8Serializer;
  }

  @Override
  public int hashCode() {
    return Utf8Serializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<String> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Compatible as is with itself, and after migration with Flink's {@link StringSerializer}. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<String> {
    public Snapshot() {
      super(() -> INSTANCE);
    }

    @Override
    public TypeSerializerSchemaCompatibility<String> resolveSchemaCompatibility(
        TypeSerializerSnapshot<String> oldSnapshot) {
      if (oldSnapshot instanceof StringSerializer.StringSerializerSnapshot) {
        return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
      }
      return super.resolveSchemaCompatibility(oldSnapshot);
    }
  }
}
