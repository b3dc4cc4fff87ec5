package dev.hilnas.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hilnas.core.frontier.Frontier;
import dev.hilnas.core.frontier.FrontierPoint;
import dev.hilnas.core.frontier.LatencySource;
import dev.hilnas.core.frontier.ReferencePoint;
import dev.hilnas.core.latency.Features;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LimitsTest {

  private static final Limits LIMITS = Limits.DEFAULTS;
  private static final HardwareTarget TARGET = new HardwareTarget("pixel8-cpu", "executorch");

  private static Candidate.Builder candidate() {
    return Candidate.builder()
        .layers(4)
        .dModel(256)
        .heads(4, 2)
        .headDim(64)
        .ffnDim(768)
        .vocabSize(8000)
        .attention("GLSG")
        .window(64);
  }

  private static Measurement measurement(int context, double latency, List<Double> samples) {
    return new Measurement(
        null,
        "c1",
        candidate().build(),
        TARGET,
        Phase.PREFILL,
        context,
        latency,
        samples,
        "agent-1",
        null,
        null,
        null);
  }

  private static Measurement withEnvironment(Map<String, String> environment) {
    return new Measurement(
        null,
        "c1",
        candidate().build(),
        TARGET,
        Phase.PREFILL,
        64,
        1.5,
        List.of(),
        null,
        null,
        null,
        environment);
  }

  private static void assertRejected(String message, Executable check) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, check).getMessage());
  }

  @Test
  void shouldAcceptWhatIsWithinTheLimitsAsItIs() {
    Measurement m = measurement(2048, 45.2, List.of(44.8, 45.2));
    assertSame(m, LIMITS.check(m));
    Quality q = new Quality("c1", candidate().build(), Quality.PERPLEXITY, 31.7, "wiki", "eval");
    assertSame(q, LIMITS.check(q));
  }

  @Test
  void shouldRejectALatencyBeyondTheLimit() {
    assertRejected(
        "latencyMs must be at most 3600000, got 1.0E308",
        () -> LIMITS.check(measurement(64, 1e308, List.of())));
    assertRejected(
        "samplesMs[1] must be at most 3600000, got 3600000.5",
        () -> LIMITS.check(measurement(64, 1.5, List.of(1.5, 3_600_000.5))));
  }

  @Test
  void shouldRejectMoreSamplesThanTheLimit() {
    List<Double> samples = Collections.nCopies(10_001, 1.5);
    assertRejected(
        "samplesMs must have at most 10000 entries, got 10001",
        () -> LIMITS.check(measurement(64, 1.5, samples)));
  }

  @Test
  void shouldRejectAContextBeyondTheLimit() {
    assertRejected(
        "contextLength must be at most 1048576, got 1048577",
        () -> LIMITS.check(measurement(1_048_577, 1.5, List.of())));
    assertRejected(
        "objective PREFILL@2000000: contextLength must be at most 1048576, got 2000000",
        () -> LIMITS.check(Objective.parse("PREFILL@2000000")));
    assertEquals(1_048_576, LIMITS.checkContextLength(1_048_576));
  }

  @Test
  void shouldRejectAPerplexityBeyondTheLimit() {
    assertRejected(
        "value must be at most 10000000, got 1.0E308",
        () ->
            LIMITS.check(
                new Quality(null, candidate().build(), Quality.PERPLEXITY, 1e308, null, null)));
  }

  @Test
  void shouldRejectEachArchitectureFieldBeyondItsLimitNamingIt() {
    assertRejected(
        "candidate: layers must be at most 1024, got 1025",
        () -> LIMITS.check(candidate().layers(1025).attention(null).build()));
    assertRejected(
        "candidate: dModel must be at most 65536, got 131072",
        () -> LIMITS.check(candidate().dModel(131_072).build()));
    assertRejected(
        "candidate: vocabSize must be at most 1048576, got 2000000",
        () -> LIMITS.check(candidate().vocabSize(2_000_000).build()));
    assertRejected(
        "candidate: headDim must be at most 1024, got 2048",
        () -> LIMITS.check(candidate().dModel(4096).headDim(2048).build()));
    assertRejected(
        "candidate: window must be at most 1048576, got 2000000",
        () -> LIMITS.check(candidate().window(2_000_000).build()));
    assertRejected(
        "candidate: nHeads must be at most 1024, got 2048",
        () -> LIMITS.check(candidate().heads(2048, 2048).build()));
    assertRejected(
        "candidate: ffnDim must be at most 262144, got 262145",
        () -> LIMITS.check(candidate().ffnDim(262_145).build()));
    assertEquals(1024, LIMITS.checkLayers(1024));
  }

  @Test
  void shouldRejectIdsAndLabelsLongerThanTheLimit() {
    String long257 = "x".repeat(257);
    Candidate c = candidate().build();
    assertRejected(
        "measurementId must be at most 256 characters, got 257",
        () ->
            LIMITS.check(
                new Measurement(
                    long257,
                    null,
                    c,
                    TARGET,
                    Phase.DECODE,
                    64,
                    1.5,
                    null,
                    null,
                    null,
                    null,
                    null)));
    assertRejected(
        "candidateId must be at most 256 characters, got 257",
        () -> LIMITS.check(Measurement.of(long257, c, TARGET, Phase.DECODE, 64, 1.5, List.of())));
    assertRejected(
        "agentId must be at most 256 characters, got 257",
        () ->
            LIMITS.check(
                new Measurement(
                    null,
                    null,
                    c,
                    TARGET,
                    Phase.DECODE,
                    64,
                    1.5,
                    null,
                    long257,
                    null,
                    null,
                    null)));
    assertRejected(
        "dataset must be at most 256 characters, got 257",
        () -> LIMITS.check(new Quality(null, c, Quality.PERPLEXITY, 3.2, long257, null)));
    assertRejected(
        "evaluator must be at most 256 characters, got 257",
        () -> LIMITS.check(new Quality(null, c, Quality.PERPLEXITY, 3.2, null, long257)));
  }

  @Test
  void shouldRejectAnEnvironmentBeyondTheLimits() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      many.put("k" + i, "v");
    }
    assertRejected(
        "environment must have at most 64 entries, got 65",
        () -> LIMITS.check(withEnvironment(many)));
    assertRejected(
        "environment key must be at most 256 characters, got 257",
        () -> LIMITS.check(withEnvironment(Map.of("k".repeat(257), "v"))));
    assertRejected(
        "environment['os'] must be at most 256 characters, got 300",
        () -> LIMITS.check(withEnvironment(Map.of("os", "v".repeat(300)))));
  }

  @Test
  void shouldApplyLoweredLimits() {
    Limits tight = Limits.builder().maxLatencyMs(1000).maxLayers(4).maxContextLength(512).build();
    assertRejected(
        "latencyMs must be at most 1000, got 1000.5",
        () -> tight.check(measurement(64, 1000.5, List.of())));
    assertRejected(
        "candidate: layers must be at most 4, got 5",
        () -> tight.check(candidate().layers(5).attention("GLSGG").build()));
    assertRejected(
        "candidate: window must be at most 512, got 1024",
        () -> tight.check(candidate().window(1024).build()));
  }

  @Test
  void shouldRefuseToRaiseALimitAboveItsDefaultOrToMakeItZero() {
    assertRejected(
        "maxLayers must be in 1..1024, got 2048", () -> Limits.builder().maxLayers(2048).build());
    assertRejected(
        "maxContextLength must be in 1..1048576, got 0",
        () -> Limits.builder().maxContextLength(0).build());
    assertRejected(
        "maxLatencyMs must be in (0, 3600000], got 1.0E308",
        () -> Limits.builder().maxLatencyMs(1e308).build());
    assertRejected(
        "maxPerplexity must be in (0, 10000000], got NaN",
        () -> Limits.builder().maxPerplexity(Double.NaN).build());
  }

  /** What later stages compute from the largest admitted values: nothing overflows. */
  @Test
  void shouldKeepEveryLaterStageFiniteAtTheLargestValuesItAdmits() {
    Candidate largest =
        LIMITS.check(
            Candidate.builder()
                .layers(LIMITS.maxLayers())
                .dModel(LIMITS.maxDModel())
                .heads(LIMITS.maxHeads())
                .headDim(LIMITS.maxHeadDim())
                .ffnDim(LIMITS.maxFfnDim())
                .vocabSize(LIMITS.maxVocabSize())
                .build());
    // the parameter count, a long, is exact: the same in unbounded arithmetic
    BigInteger d = BigInteger.valueOf(LIMITS.maxDModel());
    BigInteger q = BigInteger.valueOf((long) LIMITS.maxHeads() * LIMITS.maxHeadDim());
    BigInteger perLayer =
        d.multiply(q.multiply(BigInteger.valueOf(3)))
            .add(q.multiply(d))
            .add(d)
            .add(d.multiply(BigInteger.valueOf(3L * LIMITS.maxFfnDim())))
            .add(d);
    BigInteger expected =
        BigInteger.valueOf(LIMITS.maxVocabSize())
            .multiply(d)
            .add(d)
            .add(perLayer.multiply(BigInteger.valueOf(LIMITS.maxLayers())));
    assertEquals(expected, BigInteger.valueOf(largest.parameterCount()));
    for (Phase phase : Phase.values()) {
      for (double x : Features.of(largest, phase, LIMITS.maxContextLength())) {
        assertTrue(Double.isFinite(x) && x >= 0, phase + ": " + x);
      }
    }
    // frontier references are twice the worst latency and quality; hypervolume is their product
    ReferencePoint reference =
        new ReferencePoint(2 * LIMITS.maxLatencyMs(), 2 * LIMITS.maxPerplexity());
    Frontier frontier =
        Frontier.of(
            List.of(
                new FrontierPoint("a1", null, 1e-9, LatencySource.MEASURED, 1e-9),
                new FrontierPoint(
                    "a2",
                    null,
                    LIMITS.maxLatencyMs(),
                    LatencySource.MEASURED,
                    LIMITS.maxPerplexity())));
    assertTrue(Double.isFinite(frontier.hypervolume(reference)));
  }
}
