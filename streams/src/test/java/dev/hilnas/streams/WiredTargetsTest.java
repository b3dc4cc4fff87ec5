package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.AttentionKind;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.LayerSpec;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.schemas.FrontierUpdates;
import dev.hilnas.schemas.WirePoints;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WiredTargetsTest {

  static final Objective PREFILL_256 = Objective.parse("PREFILL@256");
  static final int PER_TARGET = 1000;

  /** A target's wire points after one update of {@link #PER_TARGET} measured candidates. */
  static WirePoints published(WirePoints wired) {
    TargetFrontiers frontiers = new TargetFrontiers(List.of(PREFILL_256));
    for (int i = 0; i < PER_TARGET; i++) {
      Candidate c =
          new Candidate(
              8_000 + i, 64, 32, 0, 16, List.of(new LayerSpec(AttentionKind.GLOBAL, 2, 2, 256)));
      frontiers.add(new Quality("c" + i, c, Quality.PERPLEXITY, 1000 - i, null, null));
      frontiers.addMeasured(c.archId(), PREFILL_256, 1 + i);
    }
    FrontierUpdates.of(
        "t/rt", frontiers, PREFILL_256, 1, new ReferencePoint(1e6, 1e6), Instant.EPOCH, wired);
    return wired;
  }

  @Test
  void shouldDropTheLeastRecentlyUsedTargetsBeyondItsBound() {
    WiredTargets wired = new WiredTargets();
    int fit = WiredTargets.MAX_POINTS / PER_TARGET;
    for (int t = 0; t <= fit; t++) { // one target more than fit
      wired.put("t" + t, published(wired.take("t" + t)));
      if (t == fit - 1) {
        wired.put("t0", wired.take("t0")); // used again: now the most recent
      }
    }

    assertEquals(fit * PER_TARGET, wired.points());
    assertEquals(0, wired.take("t1").size(), "the least recently used went");
    assertEquals(PER_TARGET, wired.take("t0").size(), "used again, so kept");
  }

  @Test
  void shouldNotCountATargetTakenOutUntilItIsPutBack() {
    WiredTargets wired = new WiredTargets();
    wired.put("a", published(wired.take("a")));
    WirePoints a = wired.take("a");
    assertEquals(0, wired.points());
    wired.put("a", a);
    assertEquals(PER_TARGET, wired.points());
  }
}
