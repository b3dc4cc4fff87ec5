package dev.hilnas.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrontierUpdatesTest {

  static final Objective PREFILL_256 = Objective.parse("PREFILL@256");

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
