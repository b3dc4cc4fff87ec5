package dev.hilnas.core.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HilnasStrategyTest extends SearchStrategyContract {

  @Override
  SearchStrategy strategy(SearchSpace space) {
    return new HilnasStrategy(space);
  }

  @Test
  void shouldScoreByHypervolumeGainOnceAFrontierIsMeasured() {
    SearchBook book = measured(12);
    var picks = strategy(SPACE).propose(view(book), book.excluded("t"), 4, new SplittableRandom(7));
    assertTrue(picks.get(0).reason().startsWith("hypervolume gain"), picks.get(0).reason());
    assertTrue(picks.get(0).score() > 0);
  }
}
