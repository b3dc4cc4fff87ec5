package dev.hilnas.core.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RepeatAgreementTest {

  @Test
  void shouldCountPairsWithinFiveAndTenPercent() {
    // changes: 0.04, 0.08, 0.20, 0.05 (on the edge: counts)
    RepeatAgreement a =
        RepeatAgreement.of(List.of(10.0, 10.0, 10.0, 20.0), List.of(10.4, 9.2, 12.0, 21.0));

    assertEquals(4, a.pairs());
    assertEquals(2, a.within5());
    assertEquals(3, a.within10());
    assertEquals(0.065, a.medianChange(), 1e-9);
  }

  @Test
  void shouldRefuseUnpairedLatencies() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RepeatAgreement.of(List.of(1.0, 2.0), List.of(1.0)));
    assertEquals(
        "need as many second latencies as first, at least one; got 2 and 1", e.getMessage());
  }
}
