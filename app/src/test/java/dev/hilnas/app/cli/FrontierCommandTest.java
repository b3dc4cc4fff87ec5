package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `hilnas frontier` on the shipped examples, with a reference point given. */
class FrontierCommandTest {

  private static CliRun frontier(String... more) {
    String[] args = {
      "frontier",
      "--measurements",
      "../examples/measurements-train.jsonl",
      "--quality",
      "../examples/quality.jsonl",
      "--objective",
      "PREFILL@512"
    };
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return CliRun.of(all);
  }

  @Test
  void shouldWarnWhenTheReferenceLeavesNoPointAnythingToDominate() {
    CliRun r = frontier("--reference", "10,10");

    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("hypervolume 0.00000 "), r.out());
    assertTrue(
        r.err()
            .startsWith(
                "warning: no frontier point is both faster than 10.00 ms and better than 10.00"),
        r.err());
  }

  @Test
  void shouldNotWarnWithTheDefaultReference() {
    CliRun r = frontier();

    assertEquals(0, r.exit(), r.err());
    assertFalse(r.err().contains("warning"), r.err());
  }
}
