package dev.hilnas.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomStrategyTest extends SearchStrategyContract {

  @Override
  SearchStrategy strategy(SearchSpace space) {
    return new RandomStrategy(space);
  }

  @Test
  void shouldIgnoreWhatIsMeasuredButWhatItExcludes() {
    SearchBook book = measured(12);
    assertEquals(
        strategy(SPACE).propose(NOTHING_KNOWN, book.excluded("t"), 4, new SplittableRandom(8)),
        strategy(SPACE).propose(view(book), book.excluded("t"), 4, new SplittableRandom(8)));
  }
}
