package dev.hilnas.llm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.llm.runtime.gguf.GgmlType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End to end through llama.cpp: a small candidate written as GGUF, loaded and timed. The runner
 * itself checks that llama.cpp evaluated exactly N prompt tokens and generated exactly {@link
 * LlamaCppRunner#DECODE_TOKENS} (it throws otherwise); here the samples must be positive.
 */
class LlamaCppRunnerTest {

  private static Candidate small(String attention) {
    return Candidate.builder()
        .layers(attention.length())
        .dModel(64)
        .heads(4, 2)
        .headDim(16)
        .ffnDim(128)
        .vocabSize(512)
        .attention(attention)
        .window(32)
        .weightBits(8)
        .build();
  }

  @Test
  void shouldTimePrefillAndDecodeOfAUniformCandidateFromLlamaCppsTimings() {
    try (LlamaCppRunner runner = new LlamaCppRunner(1, GgmlType.Q8_0, 7)) {
      assertTrue(runner.runtime().startsWith("llama.cpp-"), runner.runtime());
      assertEquals("q8_0", runner.precision());
      Objective prefill = new Objective(Phase.PREFILL, 64);
      Objective decode = new Objective(Phase.DECODE, 64);
      Map<Objective, List<Double>> timed =
          runner.timeAll(small("GG"), List.of(prefill, decode), 1, 3);
      assertEquals(3, timed.get(prefill).size());
      assertEquals(3, timed.get(decode).size());
      timed.values().forEach(s -> s.forEach(ms -> assertTrue(ms > 0, "sample " + ms)));
      assertEquals(Map.of(), runner.approximations());
    }
  }

  @Test
  void shouldRunSkippedAndLocalLayersThroughDeciSayingWhatIsApproximated() {
    try (LlamaCppRunner runner = new LlamaCppRunner(1, GgmlType.Q4_0, 7)) {
      Objective prefill = new Objective(Phase.PREFILL, 33);
      List<Double> samples = runner.time(small("SGLS"), prefill, 0, 2);
      assertEquals(2, samples.size());
      samples.forEach(ms -> assertTrue(ms > 0, "sample " + ms));
      assertTrue(runner.approximations().containsKey("llama.cpp.local-attention"));
      assertTrue(runner.approximations().containsKey("llama.cpp.layer-order"));
    }
  }
}
