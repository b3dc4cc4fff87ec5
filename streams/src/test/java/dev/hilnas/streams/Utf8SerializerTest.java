package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class Utf8SerializerTest {

  @Test
  void shouldReadBackEveryStringItWrote() throws Exception {
    List<String> strings =
        List.of("", "a0123456789abcdef|DECODE@512", "ünïcødé ✓ 🚀", "x".repeat(70_000));
    DataOutputSerializer out = new DataOutputSerializer(64);
    for (String s : strings) {
      Utf8Serializer.INSTANCE.serialize(s, out);
    }
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    DataOutputSerializer copied = new DataOutputSerializer(64);
    for (String s : strings) {
      Utf8Serializer.INSTANCE.copy(in, copied);
    }

    DataInputDeserializer again = new DataInputDeserializer(copied.getCopyOfBuffer());
    for (String s : strings) {
      assertEquals(s, Utf8Serializer.INSTANCE.deserialize(again));
    }
  }

  /** Flink restores state with the serializer that wrote it, then writes it with the new one. */
  @Test
  void shouldTakeOverStateFlinksStringSerializerWrote() {
    var snapshot = Utf8Serializer.INSTANCE.snapshotConfiguration();

    assertTrue(
        snapshot
            .resolveSchemaCompatibility(StringSerializer.INSTANCE.snapshotConfiguration())
            .isCompatibleAfterMigration());
    assertTrue(
        snapshot
            .resolveSchemaCompatibility(Utf8Serializer.INSTANCE.snapshotConfiguration())
            .isCompatibleAsIs());
    @SuppressWarnings({"unchecked", "rawtypes"})
    TypeSerializerSnapshot<String> longs =
        (TypeSerializerSnapshot) LongSerializer.INSTANCE.snapshotConfiguration();
    assertTrue(snapshot.resolveSchemaCompatibility(longs).isIncompatible());
  }
}
