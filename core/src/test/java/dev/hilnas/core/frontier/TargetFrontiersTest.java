package dev.hilnas.core.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.core.latency.AdditiveLatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.SimulatedDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetFrontiersTest {

  private static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  private static final Objective DECODE_512 = Objective.parse("DECODE@512");
  private static final SimulatedDevice DEVICE = SimulatedDevice.additive().withNoise(0.05);

  private static Measurement timed(Candidate c, Objective o, Random random) {
    double ms =
        DEVICE.latencyMs(c, o.phase(), o.contextLength()) * (1 + 0.05 * random.nextGaussian());
    return Measurement.of(
        null, c, SimulatedDevice.TARGET, o.phase(), o.contextLength(), ms, List.of());
  }

  @Test
  void shouldEqualABatchRecomputationWhateverTheOrderOfArrivals() {
    Random random = new Random(5);
    List<Candidate> pool = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pool.add(SimulatedDevice.randomCandidate(random));
    }
    Objective[] objectives = {PREFILL_256, DECODE_512, Objective.parse("PREFILL@64")};
    TargetFrontiers streamed = new TargetFrontiers(List.of(PREFILL_256, DECODE_512));
    List<Measurement> measurements = new ArrayList<>();
    List<Quality> qualities = new ArrayList<>();
    AdditiveLatencyModel model = null;
    for (int step = 0; step < 400; step++) {
      Candidate c = pool.get(random.nextInt(pool.size()));
      switch (random.nextInt(10)) {
        case 0, 1, 2, 3, 4 -> { // a measurement, sometimes of an objective no frontier keeps
          Measurement m = timed(c, objectives[random.nextInt(objectives.length)], random);
          measurements.add(m);
          streamed.add(m);
        }
        case 5, 6, 7, 8 -> { // an evaluation, sometimes a re-evaluation
          Quality q =
              new Quality(
                  "c" + pool.indexOf(c),
                  c,
                  Quality.PERPLEXITY,
                  10 + 40 * random.nextDouble(),
                  null,
                  null);
          qualities.add(q);
          streamed.add(q);
        }
        default -> { // a refit on what was measured so far
          if (!measurements.isEmpty()) {
            model = LatencyModelTrainer.fit(measurements).orElseThrow();
            streamed.setModel(model);
          }
        }
      }
    }
    assertTrue(model != null && !qualities.isEmpty());
    for (Objective o : streamed.objectives()) {
      Frontier batch = FrontierAssembly.of(measurements, qualities, o, model).frontier();
      assertEquals(batch.all(), streamed.frontier(o).all(), o + ": every point");
      assertEquals(batch.points(), streamed.frontier(o).points(), o + ": the frontier");
      assertTrue(streamed.frontier(o).points().size() > 1, o + ": a frontier worth the name");
    }
  }

  @Test
  void shouldSayWhichObjectivesChanged() {
    Random random = new Random(1);
    Candidate c = SimulatedDevice.randomCandidate(random);
    TargetFrontiers f = new TargetFrontiers(List.of(PREFILL_256, DECODE_512));

    assertEquals(Set.of(), f.add(timed(c, Objective.parse("PREFILL@64"), random)), "not kept");
    assertEquals(
        Set.of(),
        f.add(new Quality(null, c, Quality.PERPLEXITY, 20, null, null)),
        "no latency yet: the evaluation waits");
    assertEquals(Set.of(PREFILL_256), f.add(timed(c, PREFILL_256, random)));
    AdditiveLatencyModel model = LatencyModelTrainer.fit(DEVICE.measure(10, 3)).orElseThrow();
    assertEquals(
        Set.of(DECODE_512), f.setModel(model), "the measured point stays; decode is predicted");
    assertEquals(Set.of(), f.setModel(model), "the same model moves nothing");
    assertEquals(LatencySource.PREDICTED, f.frontier(DECODE_512).points().get(0).source());
    assertEquals(LatencySource.MEASURED, f.frontier(PREFILL_256).points().get(0).source());
  }

  @Test
  void shouldCountADominatedMeasuredPointAsAChange() {
    Random random = new Random(2);
    TargetFrontiers f = new TargetFrontiers(List.of(PREFILL_256));
    Candidate fast =
        Candidate.builder()
            .layers(2)
            .dModel(256)
            .heads(4, 2)
            .headDim(64)
            .ffnDim(512)
            .vocabSize(1000)
            .build();
    Candidate slow =
        Candidate.builder()
            .layers(8)
            .dModel(256)
            .heads(4, 2)
            .headDim(64)
            .ffnDim(512)
            .vocabSize(1000)
            .build();
    f.add(new Quality(null, fast, Quality.PERPLEXITY, 10, null, null));
    f.add(timed(fast, PREFILL_256, random));
    f.add(
        new Quality(null, slow, Quality.PERPLEXITY, 20, null, null)); // slower and worse: dominated
    assertEquals(
        Set.of(PREFILL_256),
        f.add(timed(slow, PREFILL_256, random)),
        "off the frontier, but readers must learn that it was measured");
    assertEquals(1, f.frontier(PREFILL_256).points().size());
    assertEquals(2, f.frontier(PREFILL_256).all().size());
  }

  @Test
  void shouldSayHowManyMeasurementsAPointsLatencyIsTheMedianOf() {
    Candidate c =
        Candidate.builder()
            .layers(2)
            .dModel(256)
            .heads(4, 2)
            .headDim(64)
            .ffnDim(512)
            .vocabSize(1000)
            .build();
    TargetFrontiers f = new TargetFrontiers(List.of(PREFILL_256));
    f.add(new Quality(null, c, Quality.PERPLEXITY, 10, null, null));
    for (double ms : new double[] {3, 1, 2}) {
      f.addMeasured(c.archId(), PREFILL_256, ms);
    }
    FrontierPoint p = f.frontier(PREFILL_256).point(c.archId()).orElseThrow();
    assertEquals(2.0, p.latencyMs(), "the median");
    assertEquals(3, p.repeats());
    assertEquals(
        Set.of(PREFILL_256),
        f.addMeasured(c.archId(), PREFILL_256, 2),
        "a repeat with the same median still changes the point: readers learn of the repeat");
    for (int i = 0; i < 2 * TargetFrontiers.KEPT_REPEATS; i++) {
      f.addMeasured(c.archId(), PREFILL_256, 2);
    }
    assertEquals(
        TargetFrontiers.KEPT_REPEATS,
        f.frontier(PREFILL_256).point(c.archId()).orElseThrow().repeats(),
        "the newest kept");
  }

  /**
   * A target whose precision names a width (java-cpu/fp32) runs every candidate at that width: an
   * evaluation of a 4-bit candidate, which another target's search asked for, describes a model it
   * never runs, and stays off its frontiers; a target that names no width takes both.
   */
  @Test
  void shouldKeepATargetWhosePrecisionNamesAWidthToCandidatesOfThatWidth() {
    HardwareTarget fp32Target = new HardwareTarget("x86", "java-cpu", "fp32");
    Candidate wide = SimulatedDevice.randomCandidate(new Random(3)).withWeightBits(32);
    Candidate narrow = wide.withWeightBits(4); // faster and worse: on any frontier that takes it
    List<Measurement> measured =
        List.of(
            Measurement.of(null, wide, fp32Target, Phase.PREFILL, 256, 10, List.of()),
            Measurement.of(null, narrow, fp32Target, Phase.PREFILL, 256, 5, List.of()));
    Quality wideScore = new Quality("wide", wide, Quality.PERPLEXITY, 20, null, null);
    Quality narrowScore = new Quality("narrow", narrow, Quality.PERPLEXITY, 25, null, null);
    TargetFrontiers pinned = TargetFrontiers.of(fp32Target.id(), List.of(PREFILL_256));
    TargetFrontiers open = TargetFrontiers.of("x86/java-cpu", List.of(PREFILL_256));
    for (TargetFrontiers f : List.of(pinned, open)) {
      measured.forEach(f::add);
    }

    assertEquals(Set.of(PREFILL_256), pinned.add(wideScore));
    assertEquals(Set.of(), pinned.add(narrowScore), "a 4-bit evaluation on an fp32 target");
    open.add(wideScore);
    open.add(narrowScore);

    assertEquals(List.of("wide"), candidateIds(pinned.frontier(PREFILL_256).all()));
    assertEquals(1, pinned.evaluated());
    assertEquals(List.of("narrow", "wide"), candidateIds(open.frontier(PREFILL_256).points()));
    FrontierAssembly batch =
        FrontierAssembly.of(
            measured, List.of(wideScore, narrowScore), PREFILL_256, null, fp32Target.weightBits());
    assertEquals(batch.frontier().all(), pinned.frontier(PREFILL_256).all(), "as a batch gives");
    assertEquals(1, batch.otherWidth());
  }

  private static List<String> candidateIds(List<FrontierPoint> points) {
    return points.stream().map(FrontierPoint::candidateId).toList();
  }
}
