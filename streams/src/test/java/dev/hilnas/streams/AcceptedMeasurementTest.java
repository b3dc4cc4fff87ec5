package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.TrainingPoint;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.LatencyMeasurement;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class AcceptedMeasurementTest {

  /**
   * A measurement as a device may send it: not canonical, with samples, a run and a calibration.
   */
  private static LatencyMeasurement sent() {
    LatencyMeasurement m = MeasurementValidationTest.valid();
    m.getCandidate().setArchId("made-up-by-a-producer");
    m.setSamplesMs(List.of(1.2, 1.25, 1.4));
    m.setEnvironment(
        Map.of(LatencyModelTrainer.RUN_ID, "run-7", LatencyModelTrainer.CALIBRATION_MS, "0.5"));
    return m;
  }

  private static AcceptedMeasurement accepted(LatencyMeasurement sent) {
    var verdict =
        MeasurementValidation.validate(MeasurementValidationTest.encode(sent), Limits.DEFAULTS);
    return AcceptedMeasurement.of(verdict.measurement(), verdict.point());
  }

  /** Kryo, Flink's fallback for types it cannot analyse, would cost more than the Avro it saves. */
  @Test
  void shouldCrossAShuffleAsAFlinkPojoAndComeBackTheSame() throws Exception {
    AcceptedMeasurement sent = accepted(sent());
    PojoTypeInfo<AcceptedMeasurement> type =
        assertInstanceOf(PojoTypeInfo.class, AcceptedMeasurement.TYPE);
    assertInstanceOf(PojoTypeInfo.class, type.getTypeAt("point"));
    TypeSerializer<AcceptedMeasurement> serializer =
        AcceptedMeasurement.TYPE.createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);

    serializer.serialize(sent, out);
    serializer.serialize(sent.withoutPoint(), out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    AcceptedMeasurement received = serializer.deserialize(in);
    AcceptedMeasurement passedOn = serializer.deserialize(in);

    assertEquals("pixel8-cpu/executorch-xnnpack", received.targetId());
    assertArrayEquals(sent.encoded(), received.encoded());
    assertSamePoint(sent.point(), received.point());
    LatencyMeasurement decoded = received.decode();
    assertEquals(decoded.getMeasurementId().toString(), received.measurementId());
    // what the frontiers read without decoding
    assertEquals(decoded.getCandidate().getArchId(), received.archId());
    assertEquals(
        new Objective(Phase.valueOf(decoded.getPhase().name()), decoded.getContextLength()),
        received.objective());
    assertEquals(decoded.getLatencyMs(), received.latencyMs());
    assertNull(passedOn.point());
    assertArrayEquals(sent.encoded(), passedOn.encoded());
    assertEquals(sent.measurementId(), passedOn.measurementId());
  }

  /**
   * A target the refit operator's cache lost is rebuilt from the held bytes: the point validation
   * made must be the one those bytes give, or a model would depend on which path its points took.
   */
  @Test
  void shouldCarryThePointItsHeldBytesGive() {
    AcceptedMeasurement accepted = accepted(sent());
    var held = Convert.fromAvro(accepted.decode());

    assertSamePoint(TrainingPoint.of(held, held.candidate().archId()), accepted.point());
    assertEquals("run-7", accepted.point().run());
    assertEquals(0.5, accepted.point().calibrationMs());
    assertEquals(3, accepted.point().samples());
  }

  private static void assertSamePoint(TrainingPoint expected, TrainingPoint actual) {
    assertEquals(expected.archId(), actual.archId());
    assertEquals(expected.phase(), actual.phase());
    assertArrayEquals(expected.work(), actual.work());
    assertArrayEquals(expected.shape(), actual.shape());
    assertEquals(expected.latencyMs(), actual.latencyMs());
    assertEquals(expected.calibrationMs(), actual.calibrationMs());
    assertEquals(expected.samples(), actual.samples());
    assertEquals(expected.sampleVariance(), actual.sampleVariance());
    assertEquals(expected.run(), actual.run());
  }
}
