package dev.hilnas.llm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import org.junit.jupiter.api.Test;

class JavaCpuRunnerTest {

  private static final Candidate TINY =
      Candidate.builder()
          .layers(2)
          .dModel(32)
          .heads(2, 1)
          .headDim(16)
          .ffnDim(64)
          .vocabSize(40)
          .build();

  /**
   * On one thread the decoder runs on the timing thread, whose CPU clock tells a sample it ran for
   * whole from one the scheduler cut into; on more, the work is not that thread's alone.
   */
  @Test
  void shouldSayHowManySamplesItTookAgainOnlyWhenItCouldTell() {
    try (JavaCpuRunner one = new JavaCpuRunner(1);
        JavaCpuRunner two = new JavaCpuRunner(2)) {
      one.time(TINY, Objective.parse("PREFILL@8"), 1, 3);
      two.time(TINY, Objective.parse("PREFILL@8"), 1, 3);

      String retaken = one.environment().get(JavaCpuRunner.RETAKEN);
      assertTrue(Integer.parseInt(retaken) >= 0, retaken);
      assertEquals(java.util.Map.of(), two.environment());
    }
  }
}
