package dev.hilnas.app.bench;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.HardwareTarget;
import dev.hilnas.core.Measurement;
import dev.hilnas.core.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded, valid measurements of varied candidates over several targets, for benchmarks. */
public final class SyntheticMeasurements {
  private SyntheticMeasurements() {}

  private static final int[] WIDTHS = {256, 384, 512, 768, 1024};
  private static final int[] CONTEXTS = {128, 512, 2048, 8192};

  public static List<Measurement> generate(int count, int targets, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Measurement> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Candidate candidate = candidate(random);
      double latency = 0.5 + 100 * random.nextDouble();
      out.add(
          Measurement.of(
              "bench-" + i,
              candidate,
              new HardwareTarget("bench-device-" + random.nextInt(targets), "java-cpu"),
              random.nextBoolean() ? Phase.PREFILL : Phase.DECODE,
              CONTEXTS[random.nextInt(CONTEXTS.length)],
              latency,
              List.of(latency * 0.98, latency, latency * 1.03)));
    }
    return out;
  }

  /** A random Llama-style candidate: 2-12 layers, dModel 256-1024, GQA, mixed attention. */
  public static Candidate candidate(SplittableRandom random) {
    return candidate(random, 32000);
  }

  /**
   * As {@link #candidate(SplittableRandom)}, with its own vocabulary size: an architecture none of
   * the others can be.
   */
  static Candidate candidate(SplittableRandom random, int vocabSize) {
    int layers = 2 + random.nextInt(11);
    int dModel = WIDTHS[random.nextInt(WIDTHS.length)];
    int heads = dModel / 64;
    int kvHeads = heads % 2 == 0 ? heads / 2 : heads;
    StringBuilder attention = new StringBuilder("G");
    for (int l = 1; l < layers; l++) {
      attention.append("GLS".charAt(random.nextInt(3)));
    }
    return Candidate.builder()
        .layers(layers)
        .dModel(dModel)
        .heads(heads, kvHeads)
        .headDim(64)
        .ffnDim(dModel * (2 + random.nextInt(3)))
        .vocabSize(vocabSize)
        .attention(attention.toString())
        .window(256)
        .build();
  }
}
