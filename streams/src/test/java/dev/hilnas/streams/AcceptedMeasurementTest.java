package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.schemas.LatencyMeasurement;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class AcceptedMeasurementTest {

  /** Kryo, Flink's fallback for types it cannot analyse, would cost more than the Avro it saves. */
  @Test
  void shouldCrossAShuffleAsAFlinkPojoAndComeBackTheSame() throws Exception {
    AcceptedMeasurement sent = AcceptedMeasurement.of(MeasurementValidationTest.valid());
    assertInstanceOf(PojoTypeInfo.class, AcceptedMeasurement.TYPE);
    TypeSerializer<AcceptedMeasurement> serializer =
        AcceptedMeasurement.TYPE.createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);

    serializer.serialize(sent, out);
    AcceptedMeasurement received =
        serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

    assertEquals("pixel8-cpu/executorch-xnnpack", received.targetId());
    assertArrayEquals(sent.encoded(), received.encoded());
    LatencyMeasurement decoded = received.decode();
    assertEquals(MeasurementValidationTest.valid(), decoded);
    // what the frontiers read without decoding
    assertEquals(decoded.getCandidate().getArchId(), received.archId());
    assertEquals(
        new Objective(Phase.valueOf(decoded.getPhase().name()), decoded.getContextLength()),
        received.objective());
    assertEquals(decoded.getLatencyMs(), received.latencyMs());
  }
}
