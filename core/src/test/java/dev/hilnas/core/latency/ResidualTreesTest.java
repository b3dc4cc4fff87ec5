package dev.hilnas.core.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResidualTreesTest {

  /** x0 in 1..10 carries a step at 5.5; x1 is noise-free but irrelevant (constant). */
  private static final double[][] ROWS = new double[10][];

  private static final double[] STEP = new double[10];

  static {
    for (int i = 0; i < 10; i++) {
      ROWS[i] = new double[] {i + 1, 3};
      STEP[i] = i + 1 > 5 ? 1 : 0;
    }
  }

  @Test
  void shouldSplitAStepAtItsMidpointOnTheInputThatCarriesIt() {
    ResidualTrees one = ResidualTrees.boost(ROWS, STEP, 1);

    assertEquals(0, one.feature()[0], "the informative input");
    assertEquals(5.5, one.threshold()[0], "midpoint between 5 and 6");
    // the right leaf holds 5 points of residual 1: 0.2 * 5 / (5 + 2)
    assertEquals(
        ResidualTrees.LEARNING_RATE * 5 / (5 + ResidualTrees.LEAF_PULL),
        one.predict(new double[] {9, 3}),
        1e-12);
    assertEquals(0, one.predict(new double[] {2, 3}), 1e-12);
  }

  @Test
  void shouldApproachTheTargetAsTreesAreAdded() {
    ResidualTrees many = ResidualTrees.boost(ROWS, STEP, 100);
    assertEquals(1, many.predict(new double[] {9, 3}), 0.01);
    assertEquals(0, many.predict(new double[] {2, 3}), 0.01);
  }

  @Test
  void shouldScoreEveryPrefixInOnePassAsTheSmallerModelsWould() {
    ResidualTrees trees = ResidualTrees.boost(ROWS, STEP, 30);
    int[] counts = {0, 1, 10, 30};
    double[] x = {7, 3};
    double[] expected = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      expected[i] = trees.first(counts[i]).predict(x);
    }
    assertArrayEquals(expected, trees.predictPrefixes(x, counts), 1e-12);
  }

  @Test
  void shouldNotSplitWhenNothingCanBeGained() {
    ResidualTrees flat = ResidualTrees.boost(ROWS, new double[10], 3);
    for (int t = 0; t < 3 * ResidualTrees.DEPTH; t++) {
      assertEquals(Double.POSITIVE_INFINITY, flat.threshold()[t]);
    }
    assertEquals(0, flat.predict(new double[] {4, 3}));
  }

  @Test
  void shouldRefitTheSameTreesOnTheRowsTheyWereBoostedOn() {
    double[] weight = {1, 2, 1, 0.5, 1, 1, 3, 1, 1, 2};
    ResidualTrees boosted = ResidualTrees.boost(ROWS, STEP, weight, 20);

    ResidualTrees refitted = boosted.refitLeaves(ROWS, STEP, weight);

    assertArrayEquals(boosted.feature(), refitted.feature());
    assertArrayEquals(boosted.threshold(), refitted.threshold());
    assertArrayEquals(boosted.leaf(), refitted.leaf());
  }

  @Test
  void shouldKeepTheSplitsAndFollowTheTargetWhenItMoves() {
    ResidualTrees boosted = ResidualTrees.boost(ROWS, STEP, 100);
    double[] higherStep = new double[STEP.length];
    for (int i = 0; i < STEP.length; i++) {
      higherStep[i] = 2 * STEP[i];
    }
    double[] weight = new double[STEP.length];
    java.util.Arrays.fill(weight, 1);

    ResidualTrees refitted = boosted.refitLeaves(ROWS, higherStep, weight);

    assertArrayEquals(boosted.threshold(), refitted.threshold());
    assertEquals(2, refitted.predict(new double[] {9, 3}), 0.02);
    assertEquals(0, refitted.predict(new double[] {2, 3}), 0.02);
  }
}
