package dev.hilnas.streams;

import java.io.IOException;
import java.util.ArrayDeque;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a target's {@link SeenIds} as its buckets' pairs of longs, one after another: a checkpoint
 * copies them in bulk instead of serializing an entry per id.
 */
final class SeenIdsSerializer extends TypeSerializer<SeenIds> {

  static final SeenIdsSerializer INSTANCE = new SeenIdsSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<SeenIds> duplicate() {
    return this; // stateless
  }

  @Override
  public SeenIds createInstance() {
    return new SeenIds();
  }

  @Override
  public SeenIds copy(SeenIds from) {
    return from == null ? null : from.copy();
  }

  @Override
  public SeenIds copy(SeenIds from, SeenIds reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(SeenIds ids, DataOutputView target) throws IOException {
    target.writeInt(ids.buckets().size());
    for (SeenIds.Bucket b : ids.buckets()) {
      target.writeLong(b.startMs);
      target.writeInt(b.size());
      b.forEach(
          (high, low) -> {
            target.writeLong(high);
            target.writeLong(low);
          });
    }
  }

  @Override
  public SeenIds deserialize(DataInputView source) throws IOException {
    int count = source.readInt();
    ArrayDeque<SeenIds.Bucket> buckets = new ArrayDeque<>(count);
    for (int i = 0; i < count; i++) {
      SeenIds.Bucket b = new SeenIds.Bucket(source.readLong());
      int size = source.readInt();
      for (int j = 0; j < size; j++) {
        b.add(source.readLong(), source.readLong());
      }
      buckets.addLast(b);
    }
    return SeenIds.of(buckets);
  }

  @Override
  public SeenIds deserialize(SeenIds reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int count = source.readInt();
    target.writeInt(count);
    for (int i = 0; i < count; i++) {
      target.writeLong(source.readLong());
      int size = source.readInt();
      target.writeInt(size);
      target.write(source, size * 16);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SeenIdsSerializer;
  }

  @Override
  public int hashCode() {
    return SeenIdsSerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<SeenIds> snapshotConfiguration() {
    return new Snapshot();
  }

  /** No configuration: the format is the class's. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeenIds> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
