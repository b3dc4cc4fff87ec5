package dev.hilnas.llm.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainingConfigTest {

  @Test
  void theDefaultsAreWhatTheShippedBackboneWasTrainedWith() {
    TrainingConfig defaults = TrainingConfig.builder().build();
    Backbone shipped = Backbone.shipped();
    assertEquals(shipped.architecture(), defaults.architecture());
    assertEquals(shipped.contextLength(), defaults.length());
    assertEquals(shipped.steps(), defaults.steps());
    assertEquals(shipped.tokens(), (long) defaults.steps() * defaults.batch() * defaults.length());
  }

  @Test
  void theWarmUpIsATenthOfTheStepsAtMostSixtyUnlessSaid() {
    assertEquals(10, TrainingConfig.builder().steps(100).build().warmupSteps());
    assertEquals(60, TrainingConfig.builder().steps(6000).build().warmupSteps());
    assertEquals(5, TrainingConfig.builder().steps(6000).warmupSteps(5).build().warmupSteps());
  }
}
