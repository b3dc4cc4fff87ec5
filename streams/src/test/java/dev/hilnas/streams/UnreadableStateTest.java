package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.schemas.AvroCodec;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.QualityEvaluation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * State that a later or incompatible version of a schema wrote, which this version cannot read: the
 * operators restore, drop what they cannot read, and go on. Simulated by giving the records in a
 * real snapshot a writer-schema fingerprint this version does not know, as a version whose schema
 * changed incompatibly would have written them.
 */
class UnreadableStateTest {

  static final HardwareTarget TARGET = new HardwareTarget("box", "rt");
  static final Objective PREFILL_256 = Objective.parse("PREFILL@256");

  @Test
  void shouldDropHeldPointsItCannotReadAndRefitOnTheRest() throws Exception {
    List<Measurement> before = measurements(0, 3);
    OperatorSubtaskState snapshot;
    try (var h = refitHarness()) {
      h.open();
      h.setProcessingTime(0);
      for (Measurement m : before) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      snapshot = h.snapshot(1, 0); // its refit still pending
    }
    unknownSchema(snapshot, LatencyMeasurement.class);

    Measurement after = measurements(3, 1).get(0);
    try (var restored = refitHarness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(Harnesses.accepted(after), 0);
      restored.setProcessingTime(1000);

      List<LatencyModelSnapshot> out = restored.extractOutputValues();
      assertEquals(1, out.size(), "the pending refit ran, on what it could read");
      assertEquals(TARGET.id(), out.get(0).getTargetId());
      List<LatencyMeasurement> held = new ArrayList<>();
      Harnesses.state(
              restored,
              TARGET.id(),
              new ListStateDescriptor<>(
                  "held-" + Phase.PREFILL, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO))
          .get()
          .forEach(bytes -> held.add(AvroCodec.of(LatencyMeasurement.class).decode(bytes)));
      assertEquals(List.of(Convert.toAvro(after)), held, "the unreadable points are gone");
      assertEquals(List.of(), Harnesses.deadLetters(restored));
    }
  }

  @Test
  void shouldLeaveEvaluationsItCannotReadOffTheFrontierUntilNewerOnesCome() throws Exception {
    List<Measurement> measured = measurements(0, 3);
    OperatorSubtaskState snapshot;
    try (var h = frontierHarness()) {
      h.open();
      for (Measurement m : measured) {
        h.processBroadcastElement(List.of(evaluation(m.candidate(), 40 - m.latencyMs())), 0);
        h.processElement(Either.Left(Harnesses.accepted(m)), 0);
      }
      assertEquals(3, onFrontier(last(h.extractOutputValues())));
      snapshot = h.snapshot(1, 0);
    }
    unknownSchema(snapshot, QualityEvaluation.class);

    try (var restored = frontierHarness()) {
      restored.initializeState(snapshot);
      restored.open();
      Measurement again = measured.get(0);
      restored.processElement(Either.Left(Harnesses.accepted(again)), 0);
      assertEquals(
          List.of(),
          restored.extractOutputValues(),
          "no evaluation could be read: without a quality, no point is on the frontier to move");

      restored.processBroadcastElement(
          List.of(evaluation(again.candidate(), 40 - again.latencyMs())), 0);
      assertEquals(
          1,
          onFrontier(last(restored.extractOutputValues())),
          "the newly evaluated one, not the two whose evaluations were unreadable");
      assertEquals(List.of(), Harnesses.deadLetters(restored));
    }
  }

  /** Gives every {@code type} record in the snapshot a writer schema this version does not know. */
  private static void unknownSchema(
      OperatorSubtaskState snapshot, Class<? extends SpecificRecord> type) throws Exception {
    byte[] header = Arrays.copyOf(encodedExample(type), 10); // marker and schema fingerprint
    byte[] unknown = header.clone();
    for (int i = 2; i < unknown.length; i++) {
      unknown[i] = (byte) ~unknown[i];
    }
    int replaced = 0;
    for (var keyed : snapshot.getManagedKeyedState()) {
      replaced += replace(((KeyGroupsStateHandle) keyed).getDelegateStateHandle(), header, unknown);
    }
    for (var operator : snapshot.getManagedOperatorState()) {
      replaced +=
          replace(((OperatorStreamStateHandle) operator).getDelegateStateHandle(), header, unknown);
    }
    assertTrue(replaced > 0, "the snapshot holds " + type.getSimpleName() + " records");
  }

  private static int replace(Object handle, byte[] from, byte[] to) {
    byte[] data = ((ByteStreamStateHandle) handle).getData(); // the snapshot's own bytes
    int replaced = 0;
    for (int i = 0; i + from.length <= data.length; i++) {
      if (Arrays.equals(data, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, data, i, to.length);
        replaced++;
      }
    }
    return replaced;
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> byte[] encodedExample(Class<T> type) {
    Measurement m = measurements(0, 1).get(0);
    Object example =
        type == LatencyMeasurement.class ? Convert.toAvro(m) : evaluation(m.candidate(), 10);
    return AvroCodec.of(type).encode((T) example);
  }

  private static List<Measurement> measurements(int from, int count) {
    List<Measurement> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      Candidate c =
          Candidate.builder()
              .layers(2 + i)
              .dModel(256)
              .heads(4, 2)
              .headDim(64)
              .ffnDim(768)
              .vocabSize(8000)
              .build();
      out.add(Measurement.of("c" + i, c, TARGET, Phase.PREFILL, 256, 10.0 + 5 * i, List.of()));
    }
    return out;
  }

  private static QualityEvaluation evaluation(Candidate c, double perplexity) {
    return Convert.toAvro(new Quality(c.archId(), c, Quality.PERPLEXITY, perplexity, null, null));
  }

  private static FrontierUpdate last(List<FrontierUpdate> updates) {
    return updates.get(updates.size() - 1);
  }

  private static int onFrontier(FrontierUpdate update) {
    return update.getPoints().size();
  }

  private static KeyedOneInputStreamOperatorTestHarness<
          String, AcceptedMeasurement, LatencyModelSnapshot>
      refitHarness() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new RefitLatencyModel(Duration.ofMillis(1000))),
        AcceptedMeasurement::targetId,
        Types.STRING);
  }

  private static KeyedBroadcastOperatorTestHarness<
          String,
          Either<AcceptedMeasurement, LatencyModelSnapshot>,
          List<QualityEvaluation>,
          FrontierUpdate>
      frontierHarness() throws Exception {
    return new KeyedBroadcastOperatorTestHarness<>(
        new CoBroadcastWithKeyedOperator<>(
            new UpdateFrontiers(List.of(PREFILL_256)), List.of(UpdateFrontiers.QUALITIES)),
        MeasurementJob::eventTargetId,
        Types.STRING,
        1,
        1,
        0);
  }
}
