package dev.hilnas.llm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hilnas.core.Objective;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JavaCpuRunnerTest {

  /**
   * On one thread the decoder runs on the timing thread, whose CPU clock tells a sample it ran for
   * whole from one the scheduler cut into; on more, the work is not that thread's alone, and it
   * says nothing.
   */
  @Test
  void shouldSayHowManySamplesOfAnObjectiveItTookAgainOnlyWhenItCanTell() {
    Objective prefill = Objective.parse("PREFILL@8");
    try (JavaCpuRunner one = new JavaCpuRunner(1);
        JavaCpuRunner two = new JavaCpuRunner(2)) {
      one.time(TimingTest.TINY, prefill, 1, 3);
      two.time(TimingTest.TINY, prefill, 1, 3);

      assertEquals(Set.of(JavaCpuRunner.RETAKEN), one.environment(prefill).keySet());
      assertEquals(
          "0", one.environment(prefill).get(JavaCpuRunner.RETAKEN), "counted again once asked");
      assertEquals(Map.of(), two.environment(prefill));
      assertEquals(Map.of(), one.environment(), "nothing said of the candidate as a whole");
    }
  }
}
