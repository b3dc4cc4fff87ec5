package dev.hilnas.core.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrontierTest {

  private static FrontierPoint p(String id, double latencyMs, double quality) {
    return new FrontierPoint(id, null, latencyMs, LatencySource.MEASURED, quality);
  }

  private static List<String> ids(Frontier f) {
    return f.points().stream().map(FrontierPoint::archId).toList();
  }

  @Test
  void shouldKeepOnlyNonDominatedPointsFastestFirst() {
    Frontier f =
        Frontier.of(List.of(p("a", 10, 20), p("b", 20, 10), p("c", 15, 25), p("d", 30, 5)));
    assertEquals(List.of("a", "b", "d"), ids(f), "c is slower and worse than a");
  }

  @Test
  void shouldKeepOnlyNonDominatedPointsWhenInsertingDuplicates() {
    Frontier f = new Frontier();
    assertTrue(f.put(p("b", 10, 10)));
    assertTrue(f.put(p("a", 10, 10)), "identical point with the smaller id takes the place");
    assertFalse(f.put(p("c", 10, 10)), "identical point with a larger id does not");
    assertFalse(f.put(p("d", 10, 12)), "same latency, worse quality");
    assertFalse(f.put(p("e", 12, 10)), "same quality, slower");
    assertEquals(List.of("a"), ids(f));
  }

  @Test
  void shouldBringADominatedPointBackWhenItsDominatorIsRemoved() {
    Frontier f = Frontier.of(List.of(p("a", 10, 10), p("b", 12, 12)));
    assertEquals(List.of("a"), ids(f));
    assertTrue(f.remove("a"));
    assertEquals(List.of("b"), ids(f));
    assertFalse(f.remove("nobody"));
  }

  @Test
  void shouldReplaceAPointOfTheSameArchitecture() {
    Frontier f = Frontier.of(List.of(p("a", 10, 20), p("b", 20, 10)));
    f.put(p("a", 25, 20)); // a re-measured: now slower than b and worse, so dominated
    assertEquals(List.of("b"), ids(f));
    assertEquals(2, f.size());
  }

  @Test
  void shouldMatchABatchRecomputationAfterAnyMixOfInsertsAndRemoves() {
    Random random = new Random(11);
    Frontier streamed = new Frontier();
    List<FrontierPoint> live = new ArrayList<>();
    for (int step = 0; step < 2000; step++) {
      if (!live.isEmpty() && random.nextInt(4) == 0) {
        FrontierPoint gone = live.remove(random.nextInt(live.size()));
        streamed.remove(gone.archId());
      } else if (!live.isEmpty() && random.nextInt(4) == 0) {
        FrontierPoint same = live.get(random.nextInt(live.size()));
        assertFalse(
            streamed.put(
                new FrontierPoint(
                    same.archId(), null, same.latencyMs(), same.source(), same.quality())),
            "the same point again changes nothing");
      } else {
        // coarse values so that ties and identical points happen
        FrontierPoint q =
            p("x" + random.nextInt(300), 1 + random.nextInt(40), 1 + random.nextInt(40));
        live.removeIf(o -> o.archId().equals(q.archId()));
        live.add(q);
        streamed.put(q);
      }
      assertEquals(Frontier.of(live).points(), streamed.points(), "step " + step);
    }
  }

  @Test
  void shouldUpdateManyPointsAtOnceAsIfPutAndRemovedOneByOne() {
    Random random = new Random(12);
    Frontier bulk = new Frontier();
    Frontier single = new Frontier();
    for (int round = 0; round < 300; round++) {
      Map<String, FrontierPoint> changes = new HashMap<>();
      for (int i = random.nextInt(30); i > 0; i--) {
        String id = "x" + random.nextInt(100);
        // coarse values so that ties and identical points happen; null: the point goes
        changes.put(
            id,
            random.nextInt(5) == 0 ? null : p(id, 1 + random.nextInt(40), 1 + random.nextInt(40)));
      }
      for (FrontierPoint held : single.all()) {
        if (random.nextInt(3) == 0) { // the same point again, as a new instance
          changes.put(held.archId(), p(held.archId(), held.latencyMs(), held.quality()));
        }
      }
      List<FrontierPoint> before = single.all();
      changes.forEach(
          (id, point) -> {
            if (point == null) {
              single.remove(id);
            } else {
              single.put(point);
            }
          });

      assertEquals(!before.equals(single.all()), bulk.update(changes), "round " + round);
      assertEquals(single.points(), bulk.points(), "round " + round);
      assertEquals(single.all(), bulk.all(), "round " + round);
      assertEquals(bruteForce(bulk.all()), ids(bulk), "round " + round);
      assertEquals(bulk.size(), bulk.all().size(), "round " + round);

      // one by one after a bulk update, often a frontier point: both must still agree
      List<FrontierPoint> front = single.points();
      String id =
          !front.isEmpty() && random.nextBoolean()
              ? front.get(random.nextInt(front.size())).archId()
              : "x" + random.nextInt(100);
      if (random.nextBoolean()) {
        assertEquals(single.remove(id), bulk.remove(id), "round " + round);
      } else {
        FrontierPoint q = p(id, 1 + random.nextInt(40), 1 + random.nextInt(40));
        assertEquals(single.put(q), bulk.put(q), "round " + round);
      }
      assertEquals(single.points(), bulk.points(), "round " + round);
    }
    assertFalse(bulk.update(Map.of()));
  }

  /** The points no other beats (better, or identical with a smaller id), fastest first. */
  private static List<String> bruteForce(List<FrontierPoint> points) {
    return points.stream()
        .filter(
            p ->
                points.stream()
                    .noneMatch(
                        q ->
                            q != p
                                && (q.dominates(p)
                                    || q.latencyMs() == p.latencyMs()
                                        && q.quality() == p.quality()
                                        && q.archId().compareTo(p.archId()) < 0)))
        .sorted(java.util.Comparator.comparingDouble(FrontierPoint::latencyMs))
        .map(FrontierPoint::archId)
        .toList();
  }

  @Test
  void shouldComputeHypervolumeByHand() {
    Frontier f = Frontier.of(List.of(p("a", 1, 3), p("b", 2, 1)));
    // reference (4, 4): a covers [1,2) x (3,4] = 1; b covers [2,4) x (1,4] = 6
    assertEquals(7.0, f.hypervolume(new ReferencePoint(4, 4)), 1e-12);
    // a point outside the box adds nothing
    f.put(p("c", 0.5, 5));
    assertEquals(7.0, f.hypervolume(new ReferencePoint(4, 4)), 1e-12);
    assertEquals(0.0, new Frontier().hypervolume(new ReferencePoint(4, 4)));
  }

  @Test
  void shouldPickTheBestQualityWithinALatencyBudget() {
    Frontier f = Frontier.of(List.of(p("a", 10, 20), p("b", 20, 10), p("d", 30, 5)));
    assertEquals("b", f.best(25).orElseThrow().archId());
    assertEquals("b", f.best(20).orElseThrow().archId(), "the budget is inclusive");
    assertTrue(f.best(5).isEmpty(), "nothing that fast");
  }

  @Test
  void shouldRefuseAPointWhoseRepeatsContradictItsSource() {
    IllegalArgumentException measured =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> new FrontierPoint("a", null, 1, LatencySource.MEASURED, 1, 0));
    assertEquals(
        "a measured point rests on at least 1 measurement, a predicted one on none; got 0 for"
            + " MEASURED",
        measured.getMessage());
    assertEquals(0, new FrontierPoint("a", null, 1, LatencySource.PREDICTED, 1).repeats());
    assertEquals(1, p("a", 1, 1).repeats(), "measured once unless told");
  }
}
