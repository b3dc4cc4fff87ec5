package dev.hilnas.streams;

import dev.hilnas.schemas.DeadLetter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

/** What tests read from, and put into, an operator under test. */
final class Harnesses {
  private Harnesses() {}

  /** A measurement as validation passes it on, in its canonical form, within limits or not. */
  static AcceptedMeasurement accepted(dev.hilnas.core.Measurement m) {
    var canonical = dev.hilnas.schemas.Convert.toAvro(m);
    return AcceptedMeasurement.of(
        canonical,
        dev.hilnas.core.latency.TrainingPoint.of(m, canonical.getCandidate().getArchId()));
  }

  /** What the operator sent to the DLQ. */
  static List<DeadLetter> deadLetters(AbstractStreamOperatorTestHarness<?> h) {
    var letters = h.getSideOutput(DeadLetters.TAG);
    return letters == null
        ? List.of()
        : new ArrayList<>(letters.stream().map(StreamRecord::getValue).toList());
  }

  /** A key's state, to write it as another version of the operator could have left it. */
  static <S extends State> S state(
      AbstractStreamOperatorTestHarness<?> h, String key, StateDescriptor<S, ?> descriptor)
      throws Exception {
    KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(key);
    return backend.getPartitionedState(
        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
  }

  /**
   * A snapshot an earlier version of an operator wrote ({@code snapshots/<operator>-<commit>}),
   * with {@code OperatorSnapshotUtil.writeStateHandle} in that version's own test of the operator,
   * so that this version shows it restores state it did not write itself.
   */
  static OperatorSubtaskState previous(String name) throws Exception {
    return OperatorSnapshotUtil.readStateHandle(
        Path.of(Harnesses.class.getResource("snapshots/" + name + ".snapshot").toURI()).toString());
  }
}
