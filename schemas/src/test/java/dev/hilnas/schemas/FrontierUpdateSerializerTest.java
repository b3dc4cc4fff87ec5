package dev.hilnas.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Objective;
import dev.hilnas.core.Quality;
import dev.hilnas.core.frontier.TargetFrontiers;
import dev.hilnas.core.latency.LatencyModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrontierUpdateSerializerTest {

  static final AvroCodec<FrontierUpdate> CODEC = AvroCodec.of(FrontierUpdate.class);
  static final List<Objective> OBJECTIVES =
      List.of(FrontierUpdatesTest.PREFILL_256, FrontierUpdatesTest.DECODE_512);

  @Test
  void shouldWriteTheSameBytesAsTheCodecUpdateAfterUpdate() {
    FrontierUpdateSerializer serializer = new FrontierUpdateSerializer();
    Random random = new Random(5);
    Map<String, TargetFrontiers> targets =
        Map.of("a/rt", new TargetFrontiers(OBJECTIVES), "b/rt", new TargetFrontiers(OBJECTIVES));
    Map<String, WirePoints> wired = Map.of("a/rt", new WirePoints(), "b/rt", new WirePoints());
    List<LatencyModel> models =
        List.of(
            new FrontierUpdatesTest.ProportionalModel(2, 0.1),
            new FrontierUpdatesTest.ProportionalModel(2, 0.3));
    for (int step = 0; step < 300; step++) {
      String target = random.nextBoolean() ? "a/rt" : "b/rt";
      TargetFrontiers frontiers = targets.get(target);
      int i = 1 + random.nextInt(60);
      switch (random.nextInt(4)) {
        case 0, 1 ->
            frontiers.add(
                new Quality(
                    "c" + step,
                    FrontierUpdatesTest.candidate(i),
                    Quality.PERPLEXITY,
                    10 + 90 * random.nextDouble(),
                    null,
                    null));
        case 2 ->
            frontiers.addMeasured(
                FrontierUpdatesTest.candidate(i).archId(),
                OBJECTIVES.get(random.nextInt(2)),
                1 + 99 * random.nextDouble());
        default -> frontiers.setModel(models.get(random.nextInt(2)));
      }
      Objective objective = OBJECTIVES.get(random.nextInt(2));
      FrontierUpdate update =
          FrontierUpdates.of(
              target,
              frontiers,
              objective,
              step,
              FrontierUpdatesTest.REFERENCE,
              Instant.ofEpochMilli(step),
              wired.get(target));

      byte[] bytes = serializer.serialize(Topics.FRONTIERS.name(), update);

      assertArrayEquals(CODEC.encode(update), bytes, "step " + step);
      assertEquals(update, CODEC.decode(bytes));
    }
  }

  @Test
  void shouldCopyThePointsItWroteInTheFrontiersLastUpdateWithoutWritingThemAgain() {
    FrontierUpdateSerializer serializer = new FrontierUpdateSerializer();
    FrontierUpdate first = update("t/rt", "PREFILL@256", 3);
    serializer.serialize(Topics.FRONTIERS.name(), first);
    FrontierPoint kept = first.getPoints().get(0);
    double written = kept.getLatencyMs();
    kept.setLatencyMs(written * 2); // breaks the rule that wire points do not change, to see

    FrontierUpdate second = update("t/rt", "PREFILL@256", 0);
    second.setPoints(List.of(kept, first.getPoints().get(1)));
    second.setOthers(List.of(first.getPoints().get(2)));

    FrontierUpdate read = CODEC.decode(serializer.serialize(Topics.FRONTIERS.name(), second));
    assertEquals(written, read.getPoints().get(0).getLatencyMs(), "its bytes were copied");
    assertEquals(first.getPoints().get(2), read.getOthers().get(0), "moved to the others");
  }

  @Test
  void shouldKeepTheBytesOfABoundedNumberOfPoints() {
    FrontierUpdateSerializer serializer = new FrontierUpdateSerializer();
    int perUpdate = 1000;
    for (int target = 0;
        target < FrontierUpdateSerializer.MAX_KEPT_POINTS / perUpdate + 10;
        target++) {
      serializer.serialize(
          Topics.FRONTIERS.name(), update("t" + target + "/rt", "PREFILL@256", perUpdate));
    }
    assertTrue(serializer.keptPoints() <= FrontierUpdateSerializer.MAX_KEPT_POINTS);
    assertTrue(serializer.keptPoints() > FrontierUpdateSerializer.MAX_KEPT_POINTS - perUpdate);
  }

  /** An update of {@code points} measured points (no dominated ones), each a new object. */
  static FrontierUpdate update(String target, String objective, int points) {
    List<FrontierPoint> list = new ArrayList<>();
    for (int i = 0; i < points; i++) {
      list.add(
          FrontierPoint.newBuilder()
              .setCandidateId("c" + i)
              .setCandidate(Convert.toAvro(FrontierUpdatesTest.candidate(i)))
              .setLatencyMs(1 + i)
              .setLatencySource(LatencySource.MEASURED)
              .setQuality(100 - i * 0.01)
              .setRepeats(1)
              .build());
    }
    return FrontierUpdate.newBuilder()
        .setTargetId(target)
        .setObjective(objective)
        .setVersion(1)
        .setHypervolume(1)
        .setReferenceLatencyMs(1e6)
        .setReferenceQuality(300)
        .setPoints(list)
        .setOthers(List.of())
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }
}
