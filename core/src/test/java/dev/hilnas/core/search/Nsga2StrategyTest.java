package dev.hilnas.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.moeaframework.core.PRNG;
import org.moeaframework.core.Solution;

class Nsga2StrategyTest extends SearchStrategyContract {

  @Override
  SearchStrategy strategy(SearchSpace space) {
    return new Nsga2Strategy(space);
  }

  @Test
  void shouldProposeRandomSolutionsUntilAPopulationIsMeasured() {
    SearchBook book = measured(Nsga2Strategy.POPULATION - 1);
    for (Proposal p :
        strategy(SPACE).propose(view(book), book.excluded("t"), 4, new SplittableRandom(9))) {
      assertEquals("NSGA-II initial population: random", p.reason());
    }
  }

  @Test
  void shouldBreedFromTheMeasuredPopulationOnceItIsMeasured() {
    SearchBook book = measured(Nsga2Strategy.POPULATION);
    List<Proposal> picks =
        strategy(SPACE).propose(view(book), book.excluded("t"), 4, new SplittableRandom(10));
    assertEquals(4, picks.size());
    for (Proposal p : picks) {
      assertEquals("NSGA-II offspring of the 20 best measured", p.reason());
    }
  }

  @Test
  void shouldEncodeEveryPruningItDecodesAndNoneThatNamesItsLayers() {
    PruningEncoding encoding = new PruningEncoding(SPACE);
    PRNG.setSeed(11);
    for (int i = 0; i < 500; i++) {
      Candidate c = encoding.decode(encoding.random(2));
      Optional<Solution> s = encoding.encode(c, 2);
      assertTrue(s.isPresent(), c.toString());
      assertEquals(c, encoding.decode(s.get()));
    }
    Candidate b = SearchSpaceTest.BACKBONE;
    Candidate threeLayers =
        new Candidate(b.vocabSize(), b.dModel(), b.headDim(), 0, 16, b.layers().subList(0, 3));
    assertTrue(encoding.encode(threeLayers, 2).isPresent(), "keeps the first layers and the last");
    assertFalse(
        encoding.encode(threeLayers.withSourceLayers(List.of(0, 2, 5)), 2).isPresent(),
        "names the layers it keeps");
  }
}
