package dev.hilnas.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `hilnas frontier` on the shipped examples, with a reference point given. */
class FrontierCommandTest {

  @TempDir Path dir;

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

  /**
   * The examples' candidates say no width (16-bit); measured on a target whose precision names
   * fp32, every evaluation is of a width it does not run, and the command says so rather than
   * pairing them.
   */
  @Test
  void shouldLeaveOutEvaluationsOfAWidthTheTargetDoesNotRun() throws Exception {
    for (String precision : new String[] {"fp32", "fp16"}) {
      Path measured = dir.resolve(precision + ".jsonl");
      Files.writeString(
          measured,
          Files.readString(Path.of("../examples/measurements-train.jsonl"))
              .replace(
                  "\"runtime\": \"numpy-openblas-fp32\"",
                  "\"runtime\": \"numpy-openblas\", \"precision\": \"" + precision + "\""));
      CliRun r =
          CliRun.of(
              "frontier",
              "--measurements",
              measured.toString(),
              "--quality",
              "../examples/quality.jsonl",
              "--objective",
              "PREFILL@512");

      if (precision.equals("fp32")) {
        assertEquals(1, r.exit(), r.err());
        assertTrue(
            r.err()
                .startsWith(
                    "40 evaluated candidates are not 32-bit, the width"
                        + " x86-1thread-numpy/numpy-openblas/fp32 runs every candidate at; left out"),
            r.err());
      } else {
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.err().contains("left out"), r.err());
      }
    }
  }
}
