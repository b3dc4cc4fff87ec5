package dev.hilnas.sinks.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.schemas.FrontierUpdate;
import dev.hilnas.schemas.FrontierUpdates;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FrontierHistoryTest {

  private static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  private static final TargetFrontiers ONE_POINT = new TargetFrontiers(List.of(PREFILL_256));

  static {
    Candidate c =
        Candidate.builder()
            .layers(2)
            .dModel(128)
            .heads(2, 1)
            .headDim(64)
            .ffnDim(256)
            .vocabSize(8000)
            .build();
    ONE_POINT.add(new Quality("c", c, Quality.PERPLEXITY, 20, null, null));
    ONE_POINT.addMeasured(c.archId(), PREFILL_256, 10);
  }

  private static FrontierUpdate update(long version) {
    return FrontierUpdates.of(
        "t/rt",
        ONE_POINT,
        PREFILL_256,
        version,
        new ReferencePoint(100, 40),
        Instant.ofEpochSecond(version));
  }

  @Test
  void shouldKeepEachNewerUpdateOnceAndIgnoreReplays() {
    FrontierHistory history = new FrontierHistory();

    history.record(update(1));
    history.record(update(2));
    history.record(update(2)); // the feed read it again
    history.record(update(1)); // an older one

    double hypervolume = update(1).getHypervolume();
    assertEquals(
        List.of(
            new FrontierHistory.Sample(1, 1000, hypervolume, 1),
            new FrontierHistory.Sample(2, 2000, hypervolume, 1)),
        history.of("t/rt", "PREFILL@256"));
    assertEquals(List.of(), history.of("t/rt", "DECODE@256"));
  }

  @Test
  void shouldHalveTheResolutionWhenFullAndKeepTheFirstAndNewest() {
    FrontierHistory history = new FrontierHistory();

    int n = FrontierHistory.MAX_SAMPLES + 1;
    IntStream.rangeClosed(1, n).forEach(v -> history.record(update(v)));

    List<FrontierHistory.Sample> kept = history.of("t/rt", "PREFILL@256");
    // 512 full: versions 1, 3, ..., 509 and 512 stay (256), then 513 joins
    assertEquals(FrontierHistory.MAX_SAMPLES / 2 + 1, kept.size());
    assertEquals(1, kept.get(0).version());
    assertEquals(3, kept.get(1).version());
    assertEquals(FrontierHistory.MAX_SAMPLES, kept.get(kept.size() - 2).version());
    assertEquals(n, kept.get(kept.size() - 1).version());
  }
}
