package dev.hilnas.streams;

import dev.hilnas.schemas.AvroCodec;
import java.io.IOException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.typeutils.AvroSerializerSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avro records held in the job's state, each in single-object encoding: it names its writer schema,
 * which {@link AvroCodec} resolves against every earlier version that ships in the jar. So a new
 * version of a schema never makes a restore fail, compatible or not: a record this version can read
 * comes back as it was written, converted; one it cannot (a schema it does not know, or one it
 * cannot resolve) comes back as {@code null}, logged, for the operator to drop — where Flink's own
 * {@code AvroSerializer}, with one schema for the whole state, fails the restore and so the job at
 * every restart.
 *
 * <p>State written by that {@code AvroSerializer} (hilnas before this serializer) is migrated by
 * Flink on restore.
 */
final class HeldRecordSerializer<T extends SpecificRecord> extends TypeSerializer<T> {

  private static final Logger log = LoggerFactory.getLogger(HeldRecordSerializer.class);
  private static final int NULL = -1;

  private final Class<T> type;
  private transient AvroCodec<T> codec;

  HeldRecordSerializer(Class<T> type) {
    this.type = type;
  }

  private AvroCodec<T> codec() {
    if (codec == null) {
      codec = AvroCodec.of(type);
    }
    return codec;
  }

  /**
   * True: no operator changes a record once it holds it, so the heap backend's copy-on-write may
   * share records between a running snapshot and the live state, copying only the lists and maps
   * around them (deep copies of every held point were 4% of the job's CPU in {@code bench ingest}).
   */
  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public TypeSerializer<T> duplicate() {
    return this; // no mutable state: the codec is thread-safe
  }

  @Override
  @SuppressWarnings("unchecked")
  public T createInstance() {
    return (T) SpecificData.newInstance(type, SpecificData.get().getSchema(type));
  }

  @Override
  public T copy(T from) {
    return from; // immutable, see above
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(T record, DataOutputView target) throws IOException {
    if (record == null) {
      target.writeInt(NULL);
      return;
    }
    byte[] bytes = codec().encode(record);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public T deserialize(DataInputView source) throws IOException {
    int length = source.readInt();
    if (length == NULL) {
      return null;
    }
    byte[] bytes = new byte[length];
    source.readFully(bytes);
    try {
      return codec().decode(bytes);
    } catch (IllegalArgumentException e) {
      log.warn(
          "a {} held in state cannot be read, dropped: {}", type.getSimpleName(), e.getMessage());
      return null;
    }
  }

  @Override
  public T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int length = source.readInt();
    target.writeInt(length);
    if (length > 0) {
      target.write(source, length);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeldRecordSerializer<?> other && other.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<T> snapshotConfiguration() {
    return new Snapshot<>(type);
  }

  /** The record class; every record carries its own schema, so nothing else is needed. */
  public static final class Snapshot<T extends SpecificRecord>
      implements TypeSerializerSnapshot<T> {
    private Class<T> type;

    public Snapshot() {} // for Flink, which reads the class with readSnapshot

    Snapshot(Class<T> type) {
      this.type = type;
    }

    @Override
    public int getCurrentVersion() {
      return 1;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
      out.writeUTF(type.getName());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void readSnapshot(int version, DataInputView in, ClassLoader loader) throws IOException {
      String name = in.readUTF();
      try {
        type = (Class<T>) Class.forName(name, false, loader);
      } catch (ClassNotFoundException e) {
        throw new IOException("the state's record class " + name + " is gone", e);
      }
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
      return new HeldRecordSerializer<>(type);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
        TypeSerializerSnapshot<T> old) {
      if (old instanceof Snapshot<?> held && held.type.getName().equals(type.getName())) {
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
      }
      if (old instanceof AvroSerializerSnapshot<?>) {
        return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
      }
      return TypeSerializerSchemaCompatibility.incompatible();
    }
  }
}
