package dev.hilnas.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.core.latency.LatencyModel;
import dev.hilnas.core.latency.LatencyPrediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrontierUpdatesTest {

  static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  static final Objective DECODE_512 = Objective.parse("DECODE@512");
  static final ReferencePoint REFERENCE = new ReferencePoint(1e6, 300);

  /** Latency in proportion to parameters; the interval {@code width} either side. */
  record ProportionalModel(double msPerMillion, double width) implements LatencyModel {
    @Override
    public boolean covers(Phase phase) {
      return true;
    }

    @Override
    public LatencyPrediction predict(Candidate candidate, Phase phase, int contextLength) {
      return interval(phase, predictMs(candidate, phase, contextLength));
    }

    @Override
    public double predictMs(Candidate candidate, Phase phase, int contextLength) {
      return msPerMillion * candidate.parameterCount() / 1e6;
    }

    @Override
    public LatencyPrediction interval(Phase phase, double ms) {
      return new LatencyPrediction(ms, ms * (1 - width), ms * (1 + width));
    }
  }

  static Candidate candidate(int i) {
    return new Candidate(
        8_000 + i, 64, 32, 0, 16, List.of(new LayerSpec(AttentionKind.GLOBAL, 2, 2, 256)));
  }

  @Test
  void shouldBuildTheSameUpdatesWhenItReusesTheLastUpdatesPoints() {
    List<Objective> objectives = List.of(PREFILL_256, DECODE_512);
    TargetFrontiers frontiers = new TargetFrontiers(objectives);
    WirePoints wired = new WirePoints();
    Random random = new Random(11);
    // the same predictions with two widths: a new model alone must renew predicted intervals
    List<LatencyModel> models =
        List.of(
            new ProportionalModel(2, 0.1),
            new ProportionalModel(2, 0.3),
            new ProportionalModel(3, 0.1));
    int evaluated = 0;
    for (int step = 0; step < 400; step++) {
      int change = random.nextInt(10);
      if (change < 4 || evaluated == 0) {
        evaluated++;
        frontiers.add(
            new Quality(
                "c" + evaluated,
                candidate(evaluated),
                Quality.PERPLEXITY,
                10 + 90 * random.nextDouble(),
                null,
                null));
      } else if (change < 6) { // a new evaluation of an architecture already evaluated
        int i = 1 + random.nextInt(evaluated);
        frontiers.add(
            new Quality(
                "again" + step,
                candidate(i),
                Quality.PERPLEXITY,
                10 + 90 * random.nextDouble(),
                null,
                null));
      } else if (change < 9) {
        frontiers.addMeasured(
            candidate(1 + random.nextInt(evaluated)).archId(),
            objectives.get(random.nextInt(2)),
            1 + 99 * random.nextDouble());
      } else {
        frontiers.setModel(models.get(random.nextInt(models.size())));
      }
      Objective objective = objectives.get(random.nextInt(2));
      assertEquals(
          FrontierUpdates.of("t/r", frontiers, objective, step, REFERENCE, Instant.EPOCH),
          FrontierUpdates.of("t/r", frontiers, objective, step, REFERENCE, Instant.EPOCH, wired),
          "step " + step);
    }
  }

  @Test
  void shouldConvertOnlyThePointsThatChangedSinceTheLastUpdate() {
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    for (int i = 0; i < 50; i++) {
      frontiers.add(new Quality("c" + i, candidate(i), Quality.PERPLEXITY, 100 - i, null, null));
      frontiers.addMeasured(candidate(i).archId(), PREFILL_256, 10 + i);
    }
    WirePoints wired = new WirePoints();
    FrontierUpdate first =
        FrontierUpdates.of("t/r", frontiers, PREFILL_256, 1, REFERENCE, Instant.EPOCH, wired);
    frontiers.addMeasured(candidate(0).archId(), PREFILL_256, 50); // 10 and 50: median 30

    FrontierUpdate second =
        FrontierUpdates.of("t/r", frontiers, PREFILL_256, 2, REFERENCE, Instant.EPOCH, wired);

    Map<String, FrontierPoint> before = new HashMap<>();
    for (FrontierPoint p : concat(first.getPoints(), first.getOthers())) {
      before.put(p.getCandidate().getArchId(), p);
    }
    List<FrontierPoint> after = concat(second.getPoints(), second.getOthers());
    assertEquals(50, after.size());
    for (FrontierPoint p : after) {
      FrontierPoint last = before.get(p.getCandidate().getArchId());
      if (p.getCandidate().getArchId().equals(candidate(0).archId())) {
        assertNotSame(last, p, "measured again: converted again");
        assertEquals(30.0, p.getLatencyMs());
        assertSame(last.getCandidate(), p.getCandidate(), "its candidate is the same");
      } else {
        assertSame(last, p, "unchanged: the last update's point");
      }
    }
  }

  private static List<FrontierPoint> concat(List<FrontierPoint> a, List<FrontierPoint> b) {
    List<FrontierPoint> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Test
  void shouldCarryTheFastestDominatedPointsInLatencyOrderUpToTheCap() {
    int candidates = FrontierUpdates.MAX_OTHERS + 500;
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    Random random = new Random(3);
    List<FrontierPoint> measured = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      Candidate c =
          new Candidate(
              8_000 + i, 64, 32, 0, 16, List.of(new LayerSpec(AttentionKind.GLOBAL, 2, 2, 256)));
      frontiers.add(
          new Quality("c" + i, c, Quality.PERPLEXITY, 10 + 90 * random.nextDouble(), null, null));
      double ms = 1 + 99 * random.nextDouble();
      frontiers.addMeasured(c.archId(), PREFILL_256, ms);
      measured.add(
          FrontierPoint.newBuilder()
              .setCandidate(Convert.toAvro(c))
              .setLatencyMs(ms)
              .setLatencySource(LatencySource.MEASURED)
              .setQuality(0)
              .setRepeats(1)
              .build());
    }

    FrontierUpdate update =
        FrontierUpdates.of(
            "t/r", frontiers, PREFILL_256, 1, new ReferencePoint(300, 300), Instant.EPOCH);

    List<FrontierPoint> others = update.getOthers();
    assertEquals(FrontierUpdates.MAX_OTHERS, others.size());
    Set<String> onFrontier = new HashSet<>();
    update.getPoints().forEach(p -> onFrontier.add(p.getCandidate().getArchId()));
    assertTrue(onFrontier.size() > 1, "a frontier worth the name");
    List<FrontierPoint> expected =
        measured.stream()
            .filter(p -> !onFrontier.contains(p.getCandidate().getArchId()))
            .sorted(java.util.Comparator.comparingDouble(FrontierPoint::getLatencyMs))
            .limit(FrontierUpdates.MAX_OTHERS)
            .toList();
    assertEquals(
        expected.stream().map(FrontierPoint::getLatencyMs).toList(),
        others.stream().map(FrontierPoint::getLatencyMs).toList());
    assertEquals(
        expected.stream().map(FrontierPoint::getCandidate).toList(),
        others.stream().map(FrontierPoint::getCandidate).toList(),
        "each with its own candidate and arch id");
    assertTrue(others.stream().noneMatch(p -> onFrontier.contains(p.getCandidate().getArchId())));
  }
}
