package dev.hilnas.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.LatencyModelTrainer;
import dev.hilnas.core.latency.TrainingPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerCacheTest {

  private static final Candidate C =
      Candidate.builder()
          .layers(2)
          .dModel(64)
          .heads(2, 1)
          .headDim(32)
          .ffnDim(128)
          .vocabSize(100)
          .build();

  private static Measurement point(String target, double ms) {
    return Measurement.of(
        null, C, HardwareTarget.parse(target + "/rt"), Phase.DECODE, 64, ms, List.of());
  }

  private static LatencyModelTrainer trainerOf(int points) {
    LatencyModelTrainer t = new LatencyModelTrainer(3, false);
    for (int i = 0; i < points; i++) {
      t.add(point("a", 1 + i));
    }
    return t;
  }

  @Test
  void shouldDropTheLeastRecentlyUsedTargetOnceItHoldsTooManyPoints() {
    TrainerCache cache = new TrainerCache(5);
    cache.put("a", trainerOf(2));
    cache.put("b", trainerOf(2));
    cache.get("a"); // b is now the least recently used
    cache.put("c", trainerOf(2));

    assertNull(cache.get("b"));
    assertNotNull(cache.get("a"));
    assertNotNull(cache.get("c"));
    assertEquals(4, cache.points());
  }

  @Test
  void shouldCountOnlyThePointsATrainerKeeps() {
    TrainerCache cache = new TrainerCache(100);
    LatencyModelTrainer a = trainerOf(0);
    cache.put("a", a);
    for (int i = 0; i < 10; i++) {
      var point = point("a", 1 + i);
      // the trainer keeps its newest 3
      cache.add("a", a, TrainingPoint.of(point, point.candidate().archId()));
    }
    assertEquals(3, cache.points());
  }

  @Test
  void shouldKeepTheOneTargetInUseEvenBeyondTheBound() {
    TrainerCache cache = new TrainerCache(1);
    cache.put("a", trainerOf(3));
    assertNotNull(cache.get("a"));
    assertEquals(1, cache.targets());
  }
}
