package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.Features;
import dev.hilnas.core.latency.LatencyModelCodec;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.TrainingPoint;
import dev.hilnas.schemas.AvroCodec;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.LatencyMeasurement;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class RefitLatencyModelTest {

  private static final HardwareTarget TARGET =
      new HardwareTarget("pixel8-cpu", "executorch-xnnpack");

  private static KeyedOneInputStreamOperatorTestHarness<
          String, AcceptedMeasurement, LatencyModelSnapshot>
      harness(int maxPerPhase) throws Exception {
    return harness(new RefitLatencyModel(Duration.ofMillis(1000), maxPerPhase));
  }

  private static KeyedOneInputStreamOperatorTestHarness<
          String, AcceptedMeasurement, LatencyModelSnapshot>
      harness(RefitLatencyModel refit) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(refit), AcceptedMeasurement::targetId, Types.STRING);
  }

  /** Measurement ids passed on for the frontiers. */
  private static List<String> passedOn(
      KeyedOneInputStreamOperatorTestHarness<String, AcceptedMeasurement, LatencyModelSnapshot> h) {
    var unique = h.getSideOutput(RefitLatencyModel.UNIQUE);
    return unique == null
        ? List.of()
        : unique.stream().map(r -> r.getValue().decode().getMeasurementId().toString()).toList();
  }

  @Test
  void shouldCountEachMeasurementIdOnceEvenAcrossASnapshotAndRestore() throws Exception {
    List<Measurement> all = measurements(3);
    OperatorSubtaskState snapshot;
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.processElement(Harnesses.accepted(all.get(0)), 0); // a retried post: same content, same id
      h.processElement(Harnesses.accepted(all.get(1)), 0);
      assertEquals(List.of(all.get(0).id(), all.get(1).id()), passedOn(h));
      snapshot = h.snapshot(1, 0);
    }
    try (var restored = harness(100)) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(Harnesses.accepted(all.get(1)), 0);
      restored.processElement(Harnesses.accepted(all.get(2)), 0);
      restored.setProcessingTime(1000);

      assertEquals(List.of(all.get(2).id()), passedOn(restored), "only the new one goes on");
      LatencyModelSnapshot published = restored.extractOutputValues().get(0);
      assertEquals(3, published.getMeasurements());
      assertArrayEquals(fittedOn(all), state(published), "each point fitted once");
    }
  }

  /** The case: whole-millisecond latencies of two labelled records are not a repeat. */
  @Test
  void shouldCountRecordsThatDifferOnlyInTheirCandidateId() throws Exception {
    Candidate c = measurements(1).get(0).candidate();
    try (var h = harness(100)) {
      h.open();
      for (String label : List.of("s0001", "s0002", "s0002")) {
        h.processElement(
            Harnesses.accepted(
                Measurement.of(label, c, TARGET, Phase.DECODE, 512, 45.0, List.of())),
            0);
      }
      assertEquals(2, passedOn(h).size());
    }
  }

  @Test
  void shouldRefitEveryTargetWithPointsWaitingBeforeACheckpointBarrier() throws Exception {
    List<Measurement> all = measurements(3);
    try (var h = refitOperator(new RefitLatencyModel(Duration.ofMillis(1000), 100))) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.processElement(Harnesses.accepted(all.get(1)), 0);
      h.setProcessingTime(10);

      h.prepareSnapshotPreBarrier(1);

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(1, out.size(), "refitted before the barrier, not 990 ms later");
      assertEquals(2, out.get(0).getMeasurements());
      assertArrayEquals(fittedOn(all.subList(0, 2)), state(out.get(0)));

      h.setProcessingTime(1000);
      assertEquals(1, h.extractOutputValues().size(), "its timer, now stale, refits nothing");
      h.prepareSnapshotPreBarrier(2);
      assertEquals(1, h.extractOutputValues().size(), "no news, no refit");

      h.processElement(Harnesses.accepted(all.get(2)), 1000);
      h.setProcessingTime(2000);
      assertEquals(2, h.extractOutputValues().size(), "not refitted since the barrier: the timer");
      assertEquals(3, h.extractOutputValues().get(1).getMeasurements());
    }
  }

  /** Refits between barriers are seen by no one: one per target between two barriers. */
  @Test
  void shouldLeaveTheRefitToTheNextBarrierOnceATargetRefittedSinceTheLast() throws Exception {
    List<Measurement> all = measurements(3);
    try (var h = refitOperator(new RefitLatencyModel(Duration.ofMillis(1000), 100))) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.prepareSnapshotPreBarrier(1);
      assertEquals(1, h.extractOutputValues().size(), "refitted in the pass");

      h.processElement(Harnesses.accepted(all.get(1)), 0);
      h.processElement(Harnesses.accepted(all.get(2)), 0);
      h.setProcessingTime(1000);
      assertEquals(1, h.extractOutputValues().size(), "its timer leaves the refit to the barrier");

      h.prepareSnapshotPreBarrier(2);

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(2, out.size());
      assertEquals(3, out.get(1).getMeasurements());
      assertArrayEquals(refittedOn(all, all.subList(0, 1)), state(out.get(1)));
    }
  }

  /** A full fit takes longer than a pass before a barrier may: the target's timer makes it. */
  @Test
  void shouldLeaveAFullFitDueToTheTimerAndRefitFastBeforeTheBarrier() throws Exception {
    List<Measurement> all = measurements(81);
    try (var h = refitOperator(new RefitLatencyModel(Duration.ofMillis(1000), 100))) {
      h.open();
      h.setProcessingTime(0);
      for (Measurement m : all.subList(0, 40)) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      h.prepareSnapshotPreBarrier(1); // the first fit is a full one wherever it is made
      for (Measurement m : all.subList(40, 80)) { // half the points new: a full fit is due
        h.processElement(Harnesses.accepted(m), 0);
      }

      h.prepareSnapshotPreBarrier(2);
      h.processElement(Harnesses.accepted(all.get(80)), 0); // the pass still reaches the target
      h.prepareSnapshotPreBarrier(3);
      h.setProcessingTime(1000);

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(4, out.size(), "a full fit, two fast refits before barriers, the full fit due");
      assertArrayEquals(fittedOn(all.subList(0, 40)), state(out.get(0)));
      assertArrayEquals(refittedOn(all.subList(0, 80), all.subList(0, 40)), state(out.get(1)));
      assertArrayEquals(refittedOn(all, all.subList(0, 40)), state(out.get(2)));
      assertArrayEquals(fittedOn(all), state(out.get(3)));
    }
  }

  /** A timer that left its refit to the next pass ticks on, in case that pass is cut short. */
  @Test
  void shouldRefitAtTheTimerATargetThePassBeforeABarrierDidNotReach() throws Exception {
    List<Measurement> all = measurements(3);
    RefitLatencyModel refit = new RefitLatencyModel(Duration.ofMillis(1000), 100);
    try (var h = refitOperator(refit)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.prepareSnapshotPreBarrier(1);
      h.processElement(Harnesses.accepted(all.get(1)), 0);
      h.processElement(Harnesses.accepted(all.get(2)), 0);
      h.setProcessingTime(1000); // left to the next pass
      assertEquals(1, h.extractOutputValues().size());

      refit.barrierPassStarts(RefitOperator.BUDGET_MS); // a pass cut short before this target
      h.setProcessingTime(2000);

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(2, out.size(), "its timer refitted it");
      assertEquals(3, out.get(1).getMeasurements());
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<
          String, AcceptedMeasurement, LatencyModelSnapshot>
      refitOperator(RefitLatencyModel refit) throws Exception {
    return refitOperator(refit, RefitOperator.BUDGET_MS);
  }

  /**
   * @param budgetMs the most time refits may hold a barrier back
   */
  private static KeyedOneInputStreamOperatorTestHarness<
          String, AcceptedMeasurement, LatencyModelSnapshot>
      refitOperator(RefitLatencyModel refit, long budgetMs) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new RefitOperator(refit, budgetMs), AcceptedMeasurement::targetId, Types.STRING);
  }

  @Test
  void shouldRefitAtTheTimersWhileThePassesBeforeBarriersRunOutOfTime() throws Exception {
    List<Measurement> all = measurements(3);
    try (var h = refitOperator(new RefitLatencyModel(Duration.ofMillis(1000), 100), 0)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.processElement(Harnesses.accepted(all.get(1)), 0);
      h.setProcessingTime(1);

      h.prepareSnapshotPreBarrier(1); // no time at all for refits

      assertEquals(0, h.extractOutputValues().size(), "nothing refitted before the barrier");
      h.setProcessingTime(1000);
      assertEquals(1, h.extractOutputValues().size(), "the timer refits instead");
      assertEquals(2, h.extractOutputValues().get(0).getMeasurements());
    }
  }

  /** With many busy targets, refits would take all the time records need. */
  @Test
  void shouldRefitAtTimersWithinABudgetBetweenBarriers() throws Exception {
    Measurement m = measurements(1).get(0);
    HardwareTarget other = new HardwareTarget("pixel9-cpu", "executorch-xnnpack");
    Measurement onOther =
        Measurement.of(
            "o", m.candidate(), other, m.phase(), m.contextLength(), m.latencyMs(), List.of());
    try (var h = refitOperator(new RefitLatencyModel(Duration.ofMillis(1000), 100), 0)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(m), 0);
      h.processElement(Harnesses.accepted(onOther), 0);
      h.setProcessingTime(1);
      h.prepareSnapshotPreBarrier(1); // no time for refits, at the barrier or at timers

      h.setProcessingTime(1000);
      assertEquals(1, h.extractOutputValues().size(), "one timer refitted, the other waits");
      h.prepareSnapshotPreBarrier(2);
      h.setProcessingTime(2000);

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(2, out.size(), "after the next pass, the other's timer refitted it");
      assertTrue(!out.get(0).getTargetId().equals(out.get(1).getTargetId()), "both targets");
    }
  }

  /** A target restored with a refit pending, which no pass knows of, refits at its timer. */
  @Test
  void shouldRefitATargetRestoredWithARefitPendingAtItsTimer() throws Exception {
    List<Measurement> all = measurements(3);
    OperatorSubtaskState snapshot;
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      snapshot = h.snapshot(1, 0); // its refit, due at 1000, is in the snapshot
    }
    try (var h = refitOperator(new RefitLatencyModel(Duration.ofMillis(1000), 100))) {
      h.initializeState(snapshot);
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(1)), 0);
      h.processElement(Harnesses.accepted(all.get(2)), 0);
      h.prepareSnapshotPreBarrier(2); // knows of no target waiting

      h.setProcessingTime(1000);

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(1, out.size(), "the restored timer refitted");
      assertEquals(3, out.get(0).getMeasurements());
    }
  }

  /** The trainers kept between refits are a cache: losing them changes no model. */
  @Test
  void shouldPublishTheSameModelsWhenItsCacheOfPointsKeepsNoTarget() throws Exception {
    HardwareTarget other = new HardwareTarget("pixel9-cpu", "executorch-xnnpack");
    List<Measurement> all = new ArrayList<>(measurements(40));
    for (Measurement m : measurements(30)) {
      all.add(
          Measurement.of(
              "o-" + m.candidateId(),
              m.candidate(),
              other,
              m.phase(),
              m.contextLength(),
              2 * m.latencyMs(),
              List.of()));
    }
    java.util.Collections.shuffle(all, new java.util.Random(3));
    StateBounds tiny = new StateBounds(100, 100, 100, 100, 1); // at most one point cached
    List<byte[]> cached = publishedModels(harness(100), all);
    List<byte[]> uncached =
        publishedModels(
            harness(new RefitLatencyModel(Duration.ofMillis(1000), 100, Duration.ofDays(1), tiny)),
            all);
    assertEquals(cached.size(), uncached.size());
    for (int i = 0; i < cached.size(); i++) {
      assertArrayEquals(cached.get(i), uncached.get(i), "model " + i);
    }
  }

  /** Feeds {@code all} ten at a time, a refit interval apart; the models published in turn. */
  private static List<byte[]> publishedModels(
      KeyedOneInputStreamOperatorTestHarness<String, AcceptedMeasurement, LatencyModelSnapshot> h,
      List<Measurement> all)
      throws Exception {
    try (h) {
      h.open();
      long now = 0;
      for (int i = 0; i < all.size(); i++) {
        h.processElement(Harnesses.accepted(all.get(i)), now);
        if (i % 10 == 9) {
          now += 1000;
          h.setProcessingTime(now);
        }
      }
      h.setProcessingTime(now + 1000);
      List<byte[]> models = new ArrayList<>();
      for (LatencyModelSnapshot s : h.extractOutputValues()) {
        models.add(state(s));
      }
      assertTrue(models.size() >= 8, "both targets refitted several times: " + models.size());
      return models;
    }
  }

  /** Decode measurements of growing candidates: latency grows with depth, as on a device. */
  private static List<Measurement> measurements(int count) {
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Candidate c =
          Candidate.builder()
              .layers(2 + i)
              .dModel(256)
              .heads(4, 2)
              .headDim(64)
              .ffnDim(768)
              .vocabSize(8000)
              .build();
      out.add(Measurement.of("c" + i, c, TARGET, Phase.DECODE, 512, 1.0 + 0.5 * i, List.of()));
    }
    return out;
  }

  private static byte[] fittedOn(List<Measurement> measurements) {
    return LatencyModelCodec.encode(LatencyModelTrainer.fit(measurements).orElseThrow());
  }

  /** The fast refit on {@code points}, keeping what a full fit on {@code earlier} chose. */
  private static byte[] refittedOn(List<Measurement> points, List<Measurement> earlier) {
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    points.forEach(trainer::add);
    AdditiveLatencyModel previous = LatencyModelTrainer.fit(earlier).orElseThrow();
    return LatencyModelCodec.encode(trainer.refit(previous).orElseThrow());
  }

  @Test
  void shouldRunAFullFitAgainOnceEnoughNewPointsArrived() throws Exception {
    List<Measurement> all = measurements(2 + RefitLatencyModel.MIN_NEW_FOR_FULL_FIT);
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.processElement(Harnesses.accepted(all.get(1)), 0);
      h.setProcessingTime(1000);
      for (Measurement m : all.subList(2, all.size())) {
        h.processElement(Harnesses.accepted(m), 1000);
      }
      h.setProcessingTime(2000);

      assertArrayEquals(fittedOn(all), state(h.extractOutputValues().get(1)));
    }
  }

  @Test
  void shouldFitASmallTargetInFullOnceASecondArchitectureCanBeHeldOut() throws Exception {
    Measurement second = measurements(2).get(1);
    List<Measurement> first = new ArrayList<>();
    for (int context : new int[] {128, 256, 512}) {
      Measurement m = measurements(1).get(0);
      first.add(
          Measurement.of(
              "a" + context, m.candidate(), TARGET, Phase.DECODE, context, 1.0, List.of()));
    }
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      for (Measurement m : first) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      h.setProcessingTime(1000); // one architecture: nothing to hold out
      h.processElement(Harnesses.accepted(second), 1000);
      h.setProcessingTime(2000); // one new point, far fewer than a big target's full fit needs

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertNull(out.get(0).getCvWithin10());
      List<Measurement> all = new ArrayList<>(first);
      all.add(second);
      assertArrayEquals(fittedOn(all), state(out.get(1)));
      assertTrue(out.get(1).getCvWithin10() != null, "cross-validated over two architectures");
    }
  }

  /** Many small DECODE measurements: layers 2..5, widths 128..512, three contexts. */
  private static List<Measurement> many(int count) {
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int layers = 2 + i % 4;
      int d = 128 + 64 * (i / 4 % 7);
      Candidate c =
          Candidate.builder()
              .layers(layers)
              .dModel(d)
              .heads(2, 1)
              .headDim(64)
              .ffnDim(2 * d)
              .vocabSize(8000)
              .build();
      int context = 128 << (i % 3);
      out.add(
          Measurement.of(
              "m" + i,
              c,
              TARGET,
              Phase.DECODE,
              context,
              0.1 + layers * d * 1e-3 + context * 1e-4,
              List.of()));
    }
    return out;
  }

  @Test
  void shouldHoldBackFullFitsOfABigTargetForHalfAMinute() throws Exception {
    List<Measurement> all = many(500);
    try (var h = harness(1000)) {
      h.open();
      h.setProcessingTime(0);
      for (Measurement m : all.subList(0, 300)) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      h.setProcessingTime(1000); // first fit: full
      for (Measurement m : all.subList(300, 400)) {
        h.processElement(Harnesses.accepted(m), 1000);
      }
      h.setProcessingTime(2000); // a quarter is new, but the last full fit was 1 s ago: fast path
      h.setProcessingTime(31_000);
      for (Measurement m : all.subList(400, 500)) {
        h.processElement(Harnesses.accepted(m), 31_000);
      }
      h.setProcessingTime(32_000); // 31 s later: full again

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertArrayEquals(refittedOn(all.subList(0, 400), all.subList(0, 300)), state(out.get(1)));
      assertArrayEquals(fittedOn(all), state(out.get(2)));
    }
  }

  private static byte[] state(LatencyModelSnapshot snapshot) {
    return LatencyModelCodec.encode(ModelSnapshots.model(snapshot).orElseThrow());
  }

  @Test
  void shouldRefitOnceAfterTheIntervalNoMatterHowManyMeasurementsArrived() throws Exception {
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      for (Measurement m : measurements(3)) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      h.setProcessingTime(999);
      assertEquals(0, h.extractOutputValues().size(), "nothing before the interval has passed");

      h.setProcessingTime(1000);

      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(1, out.size());
      LatencyModelSnapshot snapshot = out.get(0);
      assertEquals("pixel8-cpu/executorch-xnnpack", snapshot.getTargetId());
      assertEquals(3, snapshot.getMeasurements());
      assertEquals(1, snapshot.getVersion());
      assertEquals(AdditiveLatencyModel.KIND, snapshot.getModelKind());
      assertEquals(
          Features.COUNT, snapshot.getCoefficients().size(), "one price list: DECODE only");
      assertEquals("DECODE.calls", snapshot.getFeatureNames().get(0));
      assertArrayEquals(fittedOn(measurements(3)), state(snapshot), "the core fit, unchanged");
      assertEquals(0, h.numProcessingTimeTimers(), "no timer left once published");
    }
  }

  @Test
  void shouldBumpTheVersionWithEachRefitAndStayQuietWithoutNews() throws Exception {
    List<Measurement> all = measurements(3);
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.processElement(Harnesses.accepted(all.get(1)), 0);
      h.setProcessingTime(1000);
      h.setProcessingTime(5000);
      assertEquals(1, h.extractOutputValues().size(), "no news, no refit");

      h.processElement(Harnesses.accepted(all.get(2)), 5000);
      h.setProcessingTime(6000);

      LatencyModelSnapshot second = h.extractOutputValues().get(1);
      assertEquals(2, second.getVersion());
      assertEquals(3, second.getMeasurements());
      assertArrayEquals(
          refittedOn(all, all.subList(0, 2)), state(second), "one new point: fast path");
    }
  }

  @Test
  void shouldFitOnlyTheNewestPointsButCountThemAll() throws Exception {
    List<Measurement> all = measurements(5);
    try (var h = harness(3)) {
      h.open();
      h.setProcessingTime(0);
      for (Measurement m : all) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      h.setProcessingTime(1000);

      LatencyModelSnapshot snapshot = h.extractOutputValues().get(0);
      assertEquals(5, snapshot.getMeasurements());
      assertArrayEquals(fittedOn(all.subList(2, 5)), state(snapshot));
    }
  }

  @Test
  void shouldRefitCoalescedToTheModelRefittingAfterEachRecordEndsWith() throws Exception {
    List<Measurement> all = measurements(12);
    List<Measurement> first = all.subList(0, 7);
    List<Measurement> later = all.subList(7, 12); // fewer than a full fit needs: fast refits
    byte[] coalesced;
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      for (Measurement m : first) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      h.setProcessingTime(1000);
      for (Measurement m : later) {
        h.processElement(Harnesses.accepted(m), 1000);
      }
      h.setProcessingTime(2000);
      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(2, out.size(), "one full fit, then one refit for all five");
      coalesced = state(out.get(1));
    }
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      for (Measurement m : first) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      long now = 1000;
      h.setProcessingTime(now);
      for (Measurement m : later) {
        h.processElement(Harnesses.accepted(m), now);
        now += 1000;
        h.setProcessingTime(now);
      }
      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertEquals(1 + later.size(), out.size(), "one full fit, then a refit after each record");
      assertEquals(all.size(), out.get(out.size() - 1).getMeasurements());
      assertArrayEquals(coalesced, state(out.get(out.size() - 1)));
    }
  }

  @Test
  void shouldKeepPointsAndPendingTimersAcrossASnapshotAndRestore() throws Exception {
    List<Measurement> all = measurements(3);
    OperatorSubtaskState snapshot;
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.processElement(Harnesses.accepted(all.get(1)), 0);
      snapshot = h.snapshot(1, 0);
    }
    try (var restored = harness(100)) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(Harnesses.accepted(all.get(2)), 0);
      restored.setProcessingTime(1000);

      LatencyModelSnapshot published = restored.extractOutputValues().get(0);
      assertEquals(3, published.getMeasurements());
      assertArrayEquals(fittedOn(all), state(published));
    }
  }

  @Test
  void shouldGoOnFromTheStateOfTheVersionBeforeRecordsWereQuarantined() throws Exception {
    // the snapshot holds a model of the first point and the second point, due at 2000
    List<Measurement> all = measurements(3);
    try (var restored = harness(100)) {
      restored.initializeState(Harnesses.previous("refit-latency-model-bac6adb"));
      restored.open();
      restored.setProcessingTime(2000);
      restored.processElement(Harnesses.accepted(all.get(2)), 2000);
      restored.setProcessingTime(3000);

      List<LatencyModelSnapshot> out = restored.extractOutputValues();
      assertEquals(List.of(2L, 3L), out.stream().map(LatencyModelSnapshot::getVersion).toList());
      // the restored model, of one architecture, had nothing to cross-validate: fitted in full
      assertArrayEquals(fittedOn(all.subList(0, 2)), state(out.get(0)));
      assertEquals(3, out.get(1).getMeasurements());
      assertNull(
          Harnesses.state(
                  restored,
                  TARGET_ID,
                  new ListStateDescriptor<>(
                      "points-DECODE", new HeldRecordSerializer<>(LatencyMeasurement.class)))
              .get(),
          "the records that version held moved to their encoded form");
      List<byte[]> held = new ArrayList<>();
      Harnesses.state(
              restored,
              TARGET_ID,
              new ListStateDescriptor<>(
                  "held-DECODE", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO))
          .get()
          .forEach(held::add);
      assertEquals(3, held.size());
    }
  }

  private static final String TARGET_ID = "pixel8-cpu/executorch-xnnpack";

  /** A measurement the fit cannot read: validation would have refused it. */
  private static LatencyMeasurement unreadable(Measurement m) {
    return LatencyMeasurement.newBuilder(Convert.toAvro(m)).setLatencyMs(-1.0).build();
  }

  private static final String UNREADABLE =
      "refit of pixel8-cpu/executorch-xnnpack threw java.lang.IllegalArgumentException:"
          + " latencyMs must be a finite number > 0, got -1.0";

  /** A record no validation passes on: as a bug in another version of the job could make. */
  private static AcceptedMeasurement unreadableAccepted(Measurement m) {
    AcceptedMeasurement fine = Harnesses.accepted(m);
    TrainingPoint p = fine.point();
    return new AcceptedMeasurement(
        fine.targetId(),
        fine.measurementId(),
        fine.archId(),
        fine.phase(),
        fine.contextLength(),
        -1.0,
        new TrainingPoint(
            p.archId(),
            p.phase(),
            p.work(),
            p.shape(),
            -1.0,
            p.calibrationMs(),
            p.samples(),
            p.sampleVariance(),
            p.run()),
        AvroCodec.of(LatencyMeasurement.class).encode(unreadable(m)));
  }

  @Test
  void shouldSendAMeasurementTheFitCannotReadToTheDlqAndFitWithoutIt() throws Exception {
    List<Measurement> all = measurements(3);
    AcceptedMeasurement poison = unreadableAccepted(measurements(4).get(3));
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.processElement(poison, 0);
      h.processElement(Harnesses.accepted(all.get(1)), 0);
      h.processElement(Harnesses.accepted(all.get(2)), 0);
      h.setProcessingTime(1000);

      List<DeadLetter> letters = Harnesses.deadLetters(h);
      assertEquals(1, letters.size());
      assertEquals(UNREADABLE, letters.get(0).getReason());
      assertEquals(RefitLatencyModel.COMPONENT, letters.get(0).getComponent());
      assertEquals("hil.measurements", letters.get(0).getSourceTopic());
      LatencyModelSnapshot published = h.extractOutputValues().get(0);
      assertEquals(3, published.getMeasurements(), "neither held nor counted");
      assertArrayEquals(fittedOn(all), state(published));
    }
  }

  @Test
  void shouldChangeNothingForATargetsFirstRecordWhoseBytesCannotBeRead() throws Exception {
    List<Measurement> all = measurements(3);
    AcceptedMeasurement fine = Harnesses.accepted(measurements(4).get(3));
    AcceptedMeasurement garbled =
        new AcceptedMeasurement(
            fine.targetId(),
            fine.measurementId(),
            fine.archId(),
            fine.phase(),
            fine.contextLength(),
            fine.latencyMs(),
            fine.point(), // a point the fit could use, with bytes no one can read
            new byte[] {1, 2, 3});
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(garbled, 0);
      for (Measurement m : all) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      h.setProcessingTime(1000);

      assertEquals(1, Harnesses.deadLetters(h).size());
      LatencyModelSnapshot published = h.extractOutputValues().get(0);
      assertEquals(3, published.getMeasurements(), "neither held nor counted");
      assertArrayEquals(fittedOn(all), state(published));
    }
  }

  @Test
  void shouldDropAHeldPointItCannotReadOnceAndFitTheRest() throws Exception {
    List<Measurement> all = measurements(4);
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      for (Measurement m : all.subList(0, 3)) {
        h.processElement(Harnesses.accepted(m), 0);
      }
      // held by an older version, whose validation let it in
      Harnesses.state(
              h,
              TARGET_ID,
              new ListStateDescriptor<>(
                  "points-DECODE", new AvroTypeInfo<>(LatencyMeasurement.class)))
          .add(unreadable(all.get(3)));
      h.setProcessingTime(1000);
      h.processElement(Harnesses.accepted(all.get(3)), 1000);
      h.setProcessingTime(2000);

      assertEquals(
          List.of(UNREADABLE),
          Harnesses.deadLetters(h).stream().map(DeadLetter::getReason).toList(),
          "once, not at every refit");
      List<LatencyModelSnapshot> out = h.extractOutputValues();
      assertArrayEquals(fittedOn(all.subList(0, 3)), state(out.get(0)));
      assertArrayEquals(
          refittedOn(all, all.subList(0, 3)), state(out.get(1)), "the next refit as usual");
    }
  }

  @Test
  void shouldFitInFullWhenTheStoredModelIsOfAnOlderFormat() throws Exception {
    List<Measurement> all = measurements(2);
    try (var h = harness(100)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(Harnesses.accepted(all.get(0)), 0);
      h.setProcessingTime(1000);
      byte[] older = fittedOn(all.subList(0, 1));
      older[3] = 2; // format 2, which this codec no longer reads
      Harnesses.state(
              h,
              TARGET_ID,
              new ValueStateDescriptor<>(
                  "model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO))
          .update(older);

      h.processElement(Harnesses.accepted(all.get(1)), 1000);
      h.setProcessingTime(2000);

      LatencyModelSnapshot second = h.extractOutputValues().get(1);
      assertEquals(2, second.getVersion());
      assertArrayEquals(fittedOn(all), state(second), "rebuilt in full, not the fast path");
      assertEquals(List.of(), Harnesses.deadLetters(h));
    }
  }
}
