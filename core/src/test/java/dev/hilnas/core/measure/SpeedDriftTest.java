package dev.hilnas.core.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpeedDriftTest {

  @Test
  void shouldCompareEachReferenceMedianWithTheRunsFirst() {
    SpeedDrift drift = new SpeedDrift();

    assertEquals(1.0, drift.factor());
    assertEquals(1.0, drift.record(List.of(10.0, 9.0, 11.0)));
    assertEquals(1.3, drift.record(List.of(13.0)), 1e-12);
    assertEquals(0.9, drift.record(List.of(9.0, 8.0, 10.0)), 1e-12);
    assertEquals(9.0, drift.referenceMs());
  }
}
