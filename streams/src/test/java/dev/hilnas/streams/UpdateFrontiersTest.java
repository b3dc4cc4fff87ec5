package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.FrontierAssembly;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelCodec;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.SimulatedDevice;
import dev.hilnas.schemas.Convert;
import dev.hilnas.schemas.DeadLetter;
import dev.hilnas.schemas.FrontierPoint;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.LatencyModelSnapshot;
import dev.hilnas.schemas.ModelSnapshots;
import dev.hilnas.schemas.QualityEvaluation;
import dev.hilnas.schemas.Topic;
import dev.hilnas.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

class UpdateFrontiersTest {

  private static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  private static final Objective DECODE_512 = Objective.parse("DECODE@512");
  private static final List<Objective> OBJECTIVES = List.of(PREFILL_256, DECODE_512);
  private static final SimulatedDevice DEVICE = SimulatedDevice.additive();

  private static KeyedBroadcastOperatorTestHarness<
          String,
          Either<AcceptedMeasurement, LatencyModelSnapshot>,
          List<QualityEvaluation>,
          FrontierUpdate>
      harness() throws Exception {
    return harness(Duration.ZERO);
  }

  private static KeyedBroadcastOperatorTestHarness<
          String,
          Either<AcceptedMeasurement, LatencyModelSnapshot>,
          List<QualityEvaluation>,
          FrontierUpdate>
      harness(Duration publishInterval) throws Exception {
    return new KeyedBroadcastOperatorTestHarness<>(
        new CoBroadcastWithKeyedOperator<>(
            new UpdateFrontiers(OBJECTIVES, publishInterval), List.of(UpdateFrontiers.QUALITIES)),
        MeasurementJob::eventTargetId,
        Types.STRING,
        1,
        1,
        0);
  }

  /** The inputs of a run, in arrival order, and what a batch recomputation makes of them. */
  private static final class Run {
    final List<Object> events = new ArrayList<>();
    final List<Measurement> measurements = new ArrayList<>();
    final List<Quality> qualities = new ArrayList<>();
    AdditiveLatencyModel model;

    Run(long seed, int steps) {
      this(seed, steps, true);
    }

    /** Without models when {@code withModels} is false: every change then waits for the timer. */
    Run(long seed, int steps, boolean withModels) {
      Random random = new Random(seed);
      List<Candidate> pool = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        pool.add(SimulatedDevice.randomCandidate(random));
      }
      for (int step = 0; step < steps; step++) {
        Candidate c = pool.get(random.nextInt(pool.size()));
        int kind = random.nextInt(10);
        if (kind < 5) {
          Objective o = random.nextBoolean() ? PREFILL_256 : Objective.parse("PREFILL@64");
          Measurement m =
              Measurement.of(
                  null,
                  c,
                  SimulatedDevice.TARGET,
                  o.phase(),
                  o.contextLength(),
                  DEVICE.latencyMs(c, o.phase(), o.contextLength())
                      * (1 + 0.05 * random.nextGaussian()),
                  List.of());
          measurements.add(m);
          events.add(m);
        } else if (kind < 9) {
          // bigger is better, as with real pruning, plus evaluation noise
          double ppl = 1e4 / Math.sqrt(c.parameterCount()) * (1 + 0.1 * random.nextDouble());
          Quality q = new Quality("c" + pool.indexOf(c), c, Quality.PERPLEXITY, ppl, null, null);
          qualities.add(q);
          events.add(q);
        } else if (withModels && !measurements.isEmpty()) {
          model = LatencyModelTrainer.fit(DEVICE.measure(5 + step % 7, step)).orElseThrow();
          events.add(model);
        }
      }
    }

    void feed(
        KeyedBroadcastOperatorTestHarness<
                String,
                Either<AcceptedMeasurement, LatencyModelSnapshot>,
                List<QualityEvaluation>,
                FrontierUpdate>
            h,
        int from,
        int to)
        throws Exception {
      for (Object e : events.subList(from, to)) {
        send(h, e);
      }
    }

    Frontier batch(Objective o) {
      return FrontierAssembly.of(measurements, qualities, o, model).frontier();
    }
  }

  /** Sends a measurement, evaluation or model, in its core or its wire form. */
  private static void send(
      KeyedBroadcastOperatorTestHarness<
              String,
              Either<AcceptedMeasurement, LatencyModelSnapshot>,
              List<QualityEvaluation>,
              FrontierUpdate>
          h,
      Object e)
      throws Exception {
    if (e instanceof Measurement m) {
      h.processElement(Either.Left(Harnesses.accepted(m)), 0);
    } else if (e instanceof Quality q) {
      h.processBroadcastElement(List.of(Convert.toAvro(q)), 0);
    } else if (e instanceof AdditiveLatencyModel model) {
      h.processElement(Either.Right(snapshot(model)), 0);
    } else if (e instanceof LatencyModelSnapshot s) {
      h.processElement(Either.Right(s), 0);
    } else {
      throw new IllegalArgumentException("cannot send " + e);
    }
  }

  private static LatencyModelSnapshot snapshot(AdditiveLatencyModel model) {
    return ModelSnapshots.of(
        SimulatedDevice.TARGET.id(),
        Convert.toAvro(SimulatedDevice.TARGET),
        1,
        1,
        model,
        Instant.EPOCH);
  }

  /** The newest update per objective. */
  private static Map<String, FrontierUpdate> latest(List<FrontierUpdate> updates) {
    Map<String, FrontierUpdate> out = new LinkedHashMap<>();
    updates.forEach(u -> out.put(u.getObjective(), u));
    return out;
  }

  private static void assertSameFrontier(Frontier expected, FrontierUpdate actual) {
    List<String> expectedIds = expected.points().stream().map(p -> p.archId()).toList();
    List<String> actualIds =
        actual.getPoints().stream().map(p -> p.getCandidate().getArchId()).toList();
    assertEquals(expectedIds, actualIds, actual.getObjective());
    for (int i = 0; i < expected.points().size(); i++) {
      FrontierPoint p = actual.getPoints().get(i);
      assertEquals(expected.points().get(i).latencyMs(), p.getLatencyMs());
      assertEquals(expected.points().get(i).source().name(), p.getLatencySource().name());
    }
  }

  @Test
  void shouldStreamTheFrontiersABatchRecomputationGives() throws Exception {
    Run run = new Run(3, 300);
    try (var h = harness()) {
      h.open();
      run.feed(h, 0, run.events.size());

      Map<String, FrontierUpdate> latest = latest(h.extractOutputValues());
      for (Objective o : OBJECTIVES) {
        assertSameFrontier(run.batch(o), latest.get(o.toString()));
        assertTrue(
            latest.get(o.toString()).getPoints().size() > 1, o + ": a frontier worth the name");
      }
      FrontierUpdate decode = latest.get(DECODE_512.toString());
      assertTrue(
          decode.getPoints().stream().allMatch(p -> p.getLatencyLowMs() != null),
          "predicted points carry the model's interval");
      assertTrue(decode.getHypervolume() > 0);
    }
  }

  /**
   * Evaluations reach every target; one whose precision names a weight width (fp32) runs no other,
   * so a 4-bit candidate's evaluation stays off its frontiers, as a point or a dominated one.
   */
  @Test
  void shouldLeaveEvaluationsOfAnotherWidthOffATargetThatRunsOneWidth() throws Exception {
    HardwareTarget fp32 = new HardwareTarget("x86", "java-cpu", "fp32");
    Candidate wide = SimulatedDevice.randomCandidate(new Random(7)).withWeightBits(32);
    Candidate narrow = wide.withWeightBits(4); // timed faster, scored worse: a frontier point
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      send(h, Measurement.of(null, wide, fp32, Phase.PREFILL, 256, 10, List.of()));
      send(h, Measurement.of(null, narrow, fp32, Phase.PREFILL, 256, 5, List.of()));
      send(h, new Quality("wide", wide, Quality.PERPLEXITY, 20, null, null));
      send(h, new Quality("narrow", narrow, Quality.PERPLEXITY, 25, null, null));

      assertEquals(List.of("wide"), candidateIds(latest(h.extractOutputValues())));
      snapshot = h.snapshot(1, 0);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      send(restored, Measurement.of(null, wide, fp32, Phase.PREFILL, 256, 10, List.of()));

      assertEquals(
          List.of("wide"),
          candidateIds(latest(restored.extractOutputValues())),
          "frontiers rebuilt from state after a restore");
    }
  }

  /** Every candidate of the PREFILL@256 update, on the frontier or off it. */
  private static List<String> candidateIds(Map<String, FrontierUpdate> latest) {
    FrontierUpdate prefill = latest.get(PREFILL_256.toString());
    List<FrontierPoint> all = new ArrayList<>(prefill.getPoints());
    all.addAll(prefill.getOthers());
    return all.stream().map(p -> p.getCandidateId()).toList();
  }

  @Test
  void shouldPublishNothingWhenNothingMoved() throws Exception {
    Run run = new Run(3, 300);
    try (var h = harness()) {
      h.open();
      run.feed(h, 0, run.events.size());
      int before = h.extractOutputValues().size();

      h.processBroadcastElement(
          List.of(Convert.toAvro(run.qualities.get(run.qualities.size() - 1))), 0);
      h.processElement(
          Either.Left(
              Harnesses.accepted(
                  Measurement.of(
                      null,
                      run.qualities.get(0).candidate(),
                      SimulatedDevice.TARGET,
                      Phase.PREFILL,
                      64,
                      1.0,
                      List.of()))),
          0);

      assertEquals(
          before,
          h.extractOutputValues().size(),
          "same evaluation again; an objective nobody keeps");
    }
  }

  @Test
  void shouldEqualTheBatchRecomputationAcrossASnapshotAndRestore() throws Exception {
    Run run = new Run(4, 300);
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      run.feed(h, 0, 150);
      snapshot = h.snapshot(1, 0);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      run.feed(restored, 150, run.events.size());

      Map<String, FrontierUpdate> latest = latest(restored.extractOutputValues());
      for (Objective o : OBJECTIVES) {
        assertSameFrontier(run.batch(o), latest.get(o.toString()));
      }
    }
  }

  /** What the operator published and sent to the DLQ. */
  private record Outcome(List<FrontierUpdate> updates, List<DeadLetter> deadLetters) {}

  /** Feeds {@code events}, snapshotting and restoring the operator after the first {@code cut}. */
  private static Outcome outcome(List<Object> events, int cut) throws Exception {
    List<FrontierUpdate> updates = new ArrayList<>();
    List<DeadLetter> deadLetters = new ArrayList<>();
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      for (Object e : events.subList(0, cut)) {
        send(h, e);
      }
      snapshot = h.snapshot(1, 0);
      updates.addAll(h.extractOutputValues());
      deadLetters.addAll(Harnesses.deadLetters(h));
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      for (Object e : events.subList(cut, events.size())) {
        send(restored, e);
      }
      updates.addAll(restored.extractOutputValues());
      deadLetters.addAll(Harnesses.deadLetters(restored));
    }
    return new Outcome(updates, deadLetters);
  }

  /** {@code events} with {@code poison} inserted at {@code at}. */
  private static List<Object> with(List<Object> events, int at, Object poison) {
    List<Object> out = new ArrayList<>(events);
    out.add(at, poison);
    return out;
  }

  /** A candidate no run draws, so that its records are the only ones about it. */
  private static final Candidate OUTSIDER =
      Candidate.builder()
          .layers(2)
          .dModel(64)
          .heads(2, 1)
          .headDim(32)
          .ffnDim(128)
          .vocabSize(100)
          .build();

  private static final String REFERENCE_MUST_BE_FINITE =
      "frontiers of simulated/test threw java.lang.IllegalArgumentException:"
          + " reference point must have finite latency and quality > 0, got ";

  @Test
  void shouldGoOnFromTheStateOfTheVersionBeforeRecordsWereQuarantined() throws Exception {
    Run run = new Run(4, 300); // the first 150 events made the snapshot
    OperatorSubtaskState rewritten;
    List<FrontierUpdate> updates = new ArrayList<>();
    try (var restored = harness()) {
      restored.initializeState(Harnesses.previous("update-frontiers-bac6adb"));
      restored.open();
      run.feed(restored, 150, 225);
      updates.addAll(restored.extractOutputValues());
      rewritten = restored.snapshot(2, 0); // in this version's form (its measured cells: UTF-8)
    }
    try (var restored = harness()) {
      restored.initializeState(rewritten);
      restored.open();
      run.feed(restored, 225, run.events.size());
      updates.addAll(restored.extractOutputValues());

      Map<String, FrontierUpdate> latest = latest(updates);
      for (Objective o : OBJECTIVES) {
        assertSameFrontier(run.batch(o), latest.get(o.toString()));
      }
    }
  }

  @Test
  void shouldSendAPoisonMeasurementToTheDlqAndKeepTheFrontier() throws Exception {
    Run run = new Run(3, 300);
    List<Object> events = new ArrayList<>(run.events);
    events.add(0, new Quality("o", OUTSIDER, Quality.PERPLEXITY, 20, null, null));
    // its latency is finite, but the reference point of the frontier's first publication is not
    Measurement poison =
        Measurement.of("o", OUTSIDER, SimulatedDevice.TARGET, Phase.PREFILL, 256, 1e308, List.of());

    Outcome clean = outcome(events, 150);
    Outcome poisoned = outcome(with(events, 1, poison), 151);

    assertEquals(
        clean.updates(),
        poisoned.updates(),
        "every later update, version and reference as if the poison never came, across a restore");
    assertEquals(1, poisoned.deadLetters().size());
    DeadLetter letter = poisoned.deadLetters().get(0);
    assertEquals(REFERENCE_MUST_BE_FINITE + "Infinity, 40.0", letter.getReason());
    assertEquals(UpdateFrontiers.COMPONENT, letter.getComponent());
    assertEquals("hil.measurements", letter.getSourceTopic());
    assertEquals("simulated/test", utf8(letter.getKey()));
    assertEquals(Convert.toAvro(poison), decode(Topics.MEASUREMENTS, letter));
  }

  @Test
  void shouldSendAModelThatDoesNotDecodeToTheDlqAndKeepThePreviousModel() throws Exception {
    Run run = new Run(4, 300);
    LatencyModelSnapshot damaged =
        LatencyModelSnapshot.newBuilder(snapshot(run.model))
            .setState(ByteBuffer.wrap(new byte[] {0, 0, 0}))
            .build();

    Outcome clean = outcome(run.events, 150);
    Outcome poisoned = outcome(with(run.events, 200, damaged), 150);

    assertEquals(clean.updates(), poisoned.updates());
    DeadLetter letter = poisoned.deadLetters().get(0);
    assertEquals(
        "frontiers of simulated/test threw java.lang.IllegalArgumentException:"
            + " truncated latency model state (3 bytes)",
        letter.getReason());
    assertEquals("hil.latency-models", letter.getSourceTopic());
    assertEquals(damaged, decode(Topics.LATENCY_MODELS, letter));
  }

  @Test
  void shouldRefuseAPoisonEvaluationOnTheTargetItBreaksAndKeepItsFrontier() throws Exception {
    Run run = new Run(5, 300);
    List<Object> events = new ArrayList<>(run.events);
    events.add(
        0, Measurement.of("o", OUTSIDER, SimulatedDevice.TARGET, Phase.PREFILL, 256, 8, List.of()));
    Quality poison = new Quality("o", OUTSIDER, Quality.PERPLEXITY, 1e308, null, null);

    Outcome clean = outcome(events, 150);
    Outcome poisoned = outcome(with(events, 1, poison), 151);

    assertEquals(
        clean.updates(),
        poisoned.updates(),
        "the target refused it for good: it stays off the frontier after a restore too");
    DeadLetter letter = poisoned.deadLetters().get(0);
    assertEquals(REFERENCE_MUST_BE_FINITE + "16.0, Infinity", letter.getReason());
    assertEquals("hil.quality", letter.getSourceTopic());
    assertEquals(OUTSIDER.archId(), utf8(letter.getKey()));
    assertEquals(Convert.toAvro(poison), decode(Topics.QUALITY, letter));
    assertEquals(1, poisoned.deadLetters().size());
  }

  @Test
  void shouldTakeANewerEvaluationOfAnArchitectureItRefused() throws Exception {
    Measurement measured =
        Measurement.of("o", OUTSIDER, SimulatedDevice.TARGET, Phase.PREFILL, 256, 8, List.of());
    Quality poison = new Quality("o", OUTSIDER, Quality.PERPLEXITY, 1e308, null, null);
    Quality newer = new Quality("o", OUTSIDER, Quality.PERPLEXITY, 30, null, null);

    Outcome outcome = outcome(List.of(measured, poison, newer), 2);

    assertEquals(1, outcome.updates().size());
    FrontierUpdate update = outcome.updates().get(0);
    assertEquals(List.of(30.0), update.getPoints().stream().map(p -> p.getQuality()).toList());
    assertEquals(1, update.getVersion());
  }

  @Test
  void shouldDropAStoredModelOfAnOlderFormatAndKeepGoing() throws Exception {
    Run run = new Run(6, 300);
    int firstModel = 0;
    while (!(run.events.get(firstModel) instanceof AdditiveLatencyModel)) {
      firstModel++;
    }
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      run.feed(h, 0, firstModel + 1);
      byte[] older = LatencyModelCodec.encode((AdditiveLatencyModel) run.events.get(firstModel));
      older[3] = 2; // format 2
      Harnesses.state(h, SimulatedDevice.TARGET.id(), MODEL).update(older);
      snapshot = h.snapshot(1, 0);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      run.feed(restored, firstModel + 1, run.events.size());

      assertEquals(0, Harnesses.deadLetters(restored).size(), "nothing is the records' fault");
      Map<String, FrontierUpdate> latest = latest(restored.extractOutputValues());
      for (Objective o : OBJECTIVES) {
        assertSameFrontier(run.batch(o), latest.get(o.toString()));
      }
    }
  }

  private static final Duration COALESCE = Duration.ofMillis(100);

  /** An update without what only says when and how often it was published. */
  private static FrontierUpdate content(FrontierUpdate u) {
    return FrontierUpdate.newBuilder(u).setVersion(0).setUpdatedAt(Instant.EPOCH).build();
  }

  private static Map<String, FrontierUpdate> contents(List<FrontierUpdate> updates) {
    Map<String, FrontierUpdate> out = new LinkedHashMap<>();
    latest(updates).forEach((objective, u) -> out.put(objective, content(u)));
    return out;
  }

  /**
   * Feeds {@code events} 7 ms apart from {@code startMs}, so that a 100 ms timer fires every 14 or
   * 15 records; returns the processing time reached.
   */
  private static long feedTimed(
      KeyedBroadcastOperatorTestHarness<
              String,
              Either<AcceptedMeasurement, LatencyModelSnapshot>,
              List<QualityEvaluation>,
              FrontierUpdate>
          h,
      List<Object> events,
      long startMs)
      throws Exception {
    long now = startMs;
    for (Object e : events) {
      h.setProcessingTime(now);
      send(h, e);
      now += 7;
    }
    return now;
  }

  @Test
  void shouldPublishCoalescedTheFrontiersItPublishesAfterEachRecord() throws Exception {
    Run run = new Run(3, 300);
    List<FrontierUpdate> perRecord;
    try (var h = harness()) {
      h.open();
      run.feed(h, 0, run.events.size());
      perRecord = h.extractOutputValues();
    }
    try (var h = harness(COALESCE)) {
      h.open();
      long end = feedTimed(h, run.events, 0);
      h.setProcessingTime(end + COALESCE.toMillis());

      List<FrontierUpdate> coalesced = h.extractOutputValues();
      assertEquals(contents(perRecord), contents(coalesced), "points, hypervolume, reference");
      // a tenth of the records are models, and each publishes at once
      assertTrue(
          coalesced.size() * 2 < perRecord.size(),
          coalesced.size() + " coalesced updates against " + perRecord.size());
      Map<String, FrontierUpdate> last = latest(coalesced);
      for (Objective o : OBJECTIVES) {
        long published =
            coalesced.stream().filter(u -> u.getObjective().equals(o.toString())).count();
        assertEquals(published, last.get(o.toString()).getVersion(), "versions count publications");
      }
      assertEquals(0, h.numProcessingTimeTimers(), "no timer left once published");
    }
  }

  @Test
  void shouldPublishAtOnceWhenAModelArrivesWithEverythingPending() throws Exception {
    Run run = new Run(3, 300);
    int firstModel =
        run.events.indexOf(
            run.events.stream()
                .filter(e -> e instanceof AdditiveLatencyModel)
                .findFirst()
                .orElseThrow());
    try (var h = harness(COALESCE)) {
      h.open();
      h.setProcessingTime(0);
      run.feed(h, 0, firstModel);
      int beforeModel = h.extractOutputValues().size();

      run.feed(h, firstModel, firstModel + 1);

      List<FrontierUpdate> all = h.extractOutputValues();
      assertTrue(all.size() > beforeModel, "the model published without waiting for the timer");
      try (var perRecord = harness()) {
        perRecord.open();
        run.feed(perRecord, 0, firstModel + 1);
        assertEquals(
            contents(perRecord.extractOutputValues()),
            contents(all),
            "with every change pending before it");
      }
    }
  }

  @Test
  void shouldPublishNothingBeforeTheIntervalAndEverythingPendingAtIt() throws Exception {
    Run run = new Run(3, 300, false);
    try (var h = harness(COALESCE)) {
      h.open();
      h.setProcessingTime(0);
      int firstMeasurement = run.events.indexOf(run.measurements.get(0));
      run.feed(h, 0, firstMeasurement + 1);
      int beforeTimer = h.extractOutputValues().size();
      run.feed(h, firstMeasurement + 1, run.events.size());
      h.setProcessingTime(COALESCE.toMillis() - 1);
      List<FrontierUpdate> early = h.extractOutputValues();

      h.setProcessingTime(COALESCE.toMillis());

      List<FrontierUpdate> all = h.extractOutputValues();
      assertEquals(beforeTimer, early.size(), "the timer's records wait for it");
      assertEquals(
          contents(batchUpdates(run)),
          contents(all.subList(early.size(), all.size())),
          "one update per objective, with every change since the first record");
      List<FrontierUpdate> atTimer = all.subList(early.size(), all.size());
      assertEquals(
          atTimer.size(),
          atTimer.stream().map(FrontierUpdate::getObjective).distinct().count(),
          "at most one update per objective");
    }
  }

  /** What publishing after each record ends with. */
  private static List<FrontierUpdate> batchUpdates(Run run) throws Exception {
    try (var h = harness()) {
      h.open();
      run.feed(h, 0, run.events.size());
      return h.extractOutputValues();
    }
  }

  @Test
  void shouldPublishCoalescedWhatItPublishesAfterEachRecordAcrossASnapshotAndRestore()
      throws Exception {
    Run run = new Run(4, 300);
    OperatorSubtaskState snapshot;
    List<FrontierUpdate> coalesced = new ArrayList<>();
    long now;
    try (var h = harness(COALESCE)) {
      h.open();
      now = feedTimed(h, run.events.subList(0, 150), 0);
      snapshot = h.snapshot(1, now);
      coalesced.addAll(h.extractOutputValues());
    }
    try (var restored = harness(COALESCE)) {
      restored.initializeState(snapshot);
      restored.open();
      assertEquals(1, restored.numProcessingTimeTimers(), "the pending updates' timer survives");
      now = feedTimed(restored, run.events.subList(150, run.events.size()), now);
      restored.setProcessingTime(now + COALESCE.toMillis());
      coalesced.addAll(restored.extractOutputValues());
    }

    assertEquals(contents(batchUpdates(run)), contents(coalesced));
    Map<String, FrontierUpdate> last = latest(coalesced);
    for (Objective o : OBJECTIVES) {
      assertSameFrontier(run.batch(o), last.get(o.toString()));
    }
  }

  @Test
  void shouldPublishAnEvaluationAtOnceForATargetWithNoTimerSet() throws Exception {
    Measurement measured =
        Measurement.of("o", OUTSIDER, SimulatedDevice.TARGET, Phase.PREFILL, 256, 8, List.of());
    try (var h = harness(COALESCE)) {
      h.open();
      h.setProcessingTime(0);
      send(h, measured);
      h.setProcessingTime(COALESCE.toMillis());
      assertEquals(0, h.extractOutputValues().size(), "no quality yet: no point, no update");

      send(h, new Quality("o", OUTSIDER, Quality.PERPLEXITY, 30, null, null));

      assertEquals(1, h.extractOutputValues().size(), "an idle target publishes at once");
      assertEquals(0, h.numProcessingTimeTimers());
    }
  }

  @Test
  void shouldPublishABatchOfEvaluationsOnceForAnIdleTarget() throws Exception {
    Run run = new Run(3, 300);
    try (var h = harness(COALESCE)) {
      h.open();
      h.setProcessingTime(0);
      for (Object e : run.events) {
        if (!(e instanceof Quality)) {
          send(h, e); // measurements and models: frontiers without points, no quality yet
        }
      }
      h.setProcessingTime(COALESCE.toMillis());
      int before = h.extractOutputValues().size();

      h.processBroadcastElement(run.qualities.stream().map(Convert::toAvro).toList(), 0);

      List<FrontierUpdate> all = h.extractOutputValues();
      assertEquals(OBJECTIVES.size(), all.size() - before, "one update per objective");
      for (FrontierUpdate u : all.subList(before, all.size())) {
        assertTrue(u.getPoints().size() > 1, u.getObjective() + ": the whole batch is on it");
      }
      assertEquals(0, h.numProcessingTimeTimers());
    }
  }

  @Test
  void shouldRefuseANegativeInterval() {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> new UpdateFrontiers(OBJECTIVES, Duration.ofMillis(-1)));
    assertEquals("the frontier publish interval must be >= 0, got PT-0.001S", e.getMessage());
  }

  private static final ValueStateDescriptor<byte[]> MODEL =
      new ValueStateDescriptor<>("model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

  private static String utf8(ByteBuffer bytes) {
    return StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
  }

  private static <V> V decode(Topic<String, V> topic, DeadLetter letter) {
    ByteBuffer value = letter.getValue().duplicate();
    byte[] bytes = new byte[value.remaining()];
    value.get(bytes);
    return topic.valueSerde().deserializer().deserialize(topic.name(), bytes);
  }
}
