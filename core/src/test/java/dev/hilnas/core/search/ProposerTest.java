package dev.hilnas.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Limits;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.LatencyModel;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.SimulatedDevice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProposerTest {

  private static final SimulatedDevice DEVICE = SimulatedDevice.additive();
  private static final Objective PREFILL = new Objective(Phase.PREFILL, 256);
  private static final Proposer PROPOSER = new Proposer(SearchSpaceTest.SPACE);

  private static double quality(Candidate c) {
    double[] x = QualityPredictor.features(SearchSpaceTest.BACKBONE, c);
    return 4 * Math.exp(0.8 * x[0] + 0.4 * x[1] + 0.3 * x[2] + 0.2 * x[4]);
  }

  private static LatencyModel model(List<Candidate> measured) {
    LatencyModelTrainer trainer = new LatencyModelTrainer();
    for (Candidate c : measured) {
      for (Phase p : Phase.values()) {
        trainer.add(c, p, 256, DEVICE.latencyMs(c, p, 256));
      }
    }
    return trainer.fit().orElseThrow();
  }

  @Test
  void withoutAModelItExploresStartingWithTheBackbone() {
    var target = new TargetView("t", null, Map.of(), List.of(), Map.of(), List.of(PREFILL));
    var picks =
        PROPOSER.propose(
            target,
            QualityPredictor.fit(SearchSpaceTest.BACKBONE, List.of()),
            Set.of(),
            3,
            new SplittableRandom(1));
    assertEquals(3, picks.size());
    assertEquals(SearchSpaceTest.BACKBONE, picks.get(0).candidate());
    assertTrue(picks.get(1).reason().startsWith("explore"));
  }

  @Test
  void shouldMutateOnlyPruningsOfItsBackboneWhenAFrontierHoldsForeignCandidates() {
    // a deeper candidate than the backbone, imported from elsewhere, sits on the frontier
    Candidate foreign =
        Candidate.builder()
            .layers(SearchSpaceTest.BACKBONE.layerCount() + 2)
            .dModel(SearchSpaceTest.BACKBONE.dModel())
            .heads(2, 1)
            .headDim(SearchSpaceTest.BACKBONE.headDim())
            .ffnDim(16)
            .vocabSize(SearchSpaceTest.BACKBONE.vocabSize())
            .build();
    Frontier frontier = new Frontier();
    frontier.put(new FrontierPoint(foreign.archId(), null, 1, LatencySource.MEASURED, 1));
    var target =
        new TargetView(
            "t",
            null,
            Map.of(PREFILL, new TargetView.Front(frontier, new ReferencePoint(10, 10))),
            List.of(new QualityPredictor.Evaluated(foreign, 1)),
            Map.of(),
            List.of(PREFILL));

    var picks =
        PROPOSER.propose(
            target,
            QualityPredictor.fit(SearchSpaceTest.BACKBONE, List.of()),
            Set.of(),
            4,
            new SplittableRandom(5));

    assertEquals(4, picks.size());
    picks.forEach(p -> assertTrue(SearchSpaceTest.SPACE.allows(p.candidate())));
  }

  @Test
  void proposesNewDistinctCandidatesInsideTheBudgetThatCouldMoveTheFrontier() {
    SplittableRandom r = new SplittableRandom(3);
    List<Candidate> measured = new ArrayList<>();
    List<QualityPredictor.Evaluated> evaluated = new ArrayList<>();
    Frontier frontier = new Frontier();
    for (int i = 0; i < 30; i++) {
      Candidate c = SearchSpaceTest.SPACE.random(r);
      measured.add(c);
      evaluated.add(new QualityPredictor.Evaluated(c, quality(c)));
      frontier.put(
          new FrontierPoint(
              c.archId(),
              null,
              DEVICE.latencyMs(c, Phase.PREFILL, 256),
              LatencySource.MEASURED,
              quality(c)));
    }
    ReferencePoint ref = ReferencePoint.beyond(frontier.all());
    double budget = frontier.points().get(frontier.points().size() / 2).latencyMs();
    var target =
        new TargetView(
            "t",
            model(measured),
            Map.of(PREFILL, new TargetView.Front(frontier, ref)),
            evaluated,
            Map.of(PREFILL, budget),
            List.of(PREFILL));
    Set<String> excluded = new HashSet<>();
    measured.forEach(c -> excluded.add(c.archId()));
    var picks =
        PROPOSER.propose(
            target,
            QualityPredictor.fit(SearchSpaceTest.BACKBONE, evaluated),
            excluded,
            5,
            new SplittableRandom(4));
    assertEquals(5, picks.size());
    Set<String> ids = new HashSet<>();
    for (var p : picks) {
      assertFalse(excluded.contains(p.candidate().archId()));
      assertTrue(ids.add(p.candidate().archId()), "distinct");
      assertTrue(model(measured).predictMs(p.candidate(), Phase.PREFILL, 256) <= budget);
    }
    assertTrue(picks.get(0).score() > 0, picks.get(0).reason());
  }

  @Test
  void hypervolumeImprovementEqualsTheGrowthOfTheFrontiersHypervolume() {
    SplittableRandom r = new SplittableRandom(5);
    for (int trial = 0; trial < 200; trial++) {
      Frontier f = new Frontier();
      for (int i = 0; i < 1 + r.nextInt(8); i++) {
        f.put(
            new FrontierPoint(
                "a" + i, null, r.nextDouble(1, 10), LatencySource.MEASURED, r.nextDouble(1, 10)));
      }
      ReferencePoint ref = new ReferencePoint(11, 11);
      double l = r.nextDouble(0.5, 12);
      double q = r.nextDouble(0.5, 12);
      double before = f.hypervolume(ref);
      double gain = HypervolumeImprovement.of(f.points(), ref, l, q);
      f.put(new FrontierPoint("new", null, l, LatencySource.MEASURED, q));
      assertEquals(f.hypervolume(ref) - before, gain, 1e-9);
    }
  }

  @Test
  void withoutAFrontierItLearnsTheLatencyModelWhereItIsLeastSure() {
    SplittableRandom r = new SplittableRandom(6);
    List<Candidate> measured = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      measured.add(SearchSpaceTest.SPACE.random(r));
    }
    LatencyModel model = model(measured);
    var target = new TargetView("t", model, Map.of(), List.of(), Map.of(), List.of(PREFILL));
    Set<String> excluded = new HashSet<>();
    measured.forEach(c -> excluded.add(c.archId()));
    var picks =
        PROPOSER.propose(
            target,
            QualityPredictor.fit(SearchSpaceTest.BACKBONE, List.of()),
            excluded,
            3,
            new SplittableRandom(7));
    assertEquals(3, picks.size());
    for (var p : picks) {
      assertTrue(p.reason().startsWith("latency model unsure"), p.reason());
      assertFalse(excluded.contains(p.candidate().archId()));
    }
    assertTrue(picks.get(0).score() >= picks.get(2).score(), "widest interval first");
    var mobile =
        new Proposer(
            SearchSpace.of(
                SearchSpace.mobileLlmScale(), SearchSpace.Constraints.NONE, Limits.DEFAULTS));
    var unmeasured =
        mobile.propose(
            new TargetView("m", model, Map.of(), List.of(), Map.of(), List.of(PREFILL)),
            QualityPredictor.fit(SearchSpace.mobileLlmScale(), List.of()),
            Set.of(),
            2,
            new SplittableRandom(8));
    assertEquals(2, unmeasured.size(), "a latency-only search over the MobileLLM-scale backbone");
    assertEquals(2048, unmeasured.get(0).candidate().dModel());
  }
}
