package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.schemas.LatencyModelSnapshot;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PublishTargetSnapshotsTest {

  private static KeyedOneInputStreamOperatorTestHarness<String, dev.hilnas.schemas.LatencyMeasurement, LatencyModelSnapshot>
      harness() throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PublishTargetSnapshots(Duration.ofMillis(1000))),
        MeasurementJob::targetId,
        Types.STRING);
    h.open();
    return h;
  }

  @Test
  void shouldPublishOnceAfterTheIntervalNoMatterHowManyMeasurementsArrived() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(0);
      for (int i = 0; i < 3; i++) {
        h.processElement(MeasurementValidationTest.valid(), i);
      }
      h.setProcessingTime(999);
      assertEquals(0, h.extractOutputValues().size(), "nothing before the interval has passed");

      h.setProcessingTime(1000);

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(1, out.size());
      assertEquals("pixel8-cpu/executorch-xnnpack", out.get(0).getTargetId());
      assertEquals(3, out.get(0).getMeasurements());
      assertEquals(1, out.get(0).getVersion());
      assertEquals(0, h.numProcessingTimeTimers(), "no timer left once published");
    }
  }

  @Test
  void shouldBumpTheVersionWithEachPublicationAndStayQuietWithoutNews() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(0);
      h.processElement(MeasurementValidationTest.valid(), 0);
      h.setProcessingTime(1000);
      h.setProcessingTime(5000);
      assertEquals(1, h.extractOutputValues().size(), "no news, no publication");

      h.processElement(MeasurementValidationTest.valid(), 5000);
      h.setProcessingTime(6000);

      LatencyModelSnapshot second = h.extractOutputValues().get(1);
      assertEquals(2, second.getVersion());
      assertEquals(2, second.getMeasurements());
    }
  }

  @Test
  void shouldKeepCountsAndPendingTimersAcrossASnapshotAndRestore() throws Exception {
    var snapshot = (org.apache.flink.runtime.checkpoint.OperatorSubtaskState) null;
    try (var h = harness()) {
      h.setProcessingTime(0);
      h.processElement(MeasurementValidationTest.valid(), 0);
      h.processElement(MeasurementValidationTest.valid(), 0);
      snapshot = h.snapshot(1, 0);
    }
    try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new PublishTargetSnapshots(Duration.ofMillis(1000))),
        MeasurementJob::targetId, Types.STRING)) {
      restored.initializeState(snapshot);
      restored.open();
      restored.setProcessingTime(1000);

      assertEquals(2, restored.extractOutputValues().get(0).getMeasurements());
    }
  }
}
