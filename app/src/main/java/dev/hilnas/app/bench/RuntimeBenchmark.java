package dev.hilnas.app.bench;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.latency.Features;
import dev.hilnas.llm.runtime.Decoder;
import dev.hilnas.llm.runtime.MatmulPeak;
import dev.hilnas.llm.runtime.Timing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How fast the Java decoder runs a candidate, in GFLOP/s of the work it really does, next to the
 * ceilings measured in the same run: the runtime's own large square matmul and, when python3 with
 * numpy is installed, OpenBLAS's sgemm on the same number of threads (a tuned reference).
 */
public final class RuntimeBenchmark {

  private static final int PEAK_N = 1024;

  public record Result(
      List<Double> prefillGflops,
      List<Double> decodeGflops,
      List<Double> peakGflops,
      Double openBlasGflops) {}

  private RuntimeBenchmark() {}

  public static Result run(
      Candidate c, int prefillTokens, int decodeContext, int threads, int repeat) {
    List<Double> prefill = new ArrayList<>();
    List<Double> decode = new ArrayList<>();
    List<Double> peak = new ArrayList<>();
    Objective p = new Objective(Phase.PREFILL, prefillTokens);
    Objective d = new Objective(Phase.DECODE, decodeContext);
    double prefillWork = gflop(c, p);
    double decodeWork = gflop(c, d);
    Timing timing = new Timing(System::nanoTime);
    try (Decoder decoder = new Decoder(c, 1, threads)) {
      MatmulPeak.gflops(PEAK_N, threads); // warm-up
      for (int i = 0; i < repeat; i++) {
        for (double ms : timing.measure(decoder, p, 1, 3)) {
          prefill.add(prefillWork / (ms / 1000));
        }
        for (double ms : timing.measure(decoder, d, 2, 5)) {
          decode.add(decodeWork / (ms / 1000));
        }
        peak.add(MatmulPeak.gflops(PEAK_N, threads));
      }
    }
    return new Result(prefill, decode, peak, openBlas(threads));
  }

  /**
   * The GFLOP the decoder executes: every matmul and attention pair, logits of the last token only.
   */
  static double gflop(Candidate c, Objective o) {
    double[] f = Features.of(c, o.phase(), o.contextLength());
    int tokens = o.phase() == Phase.PREFILL ? o.contextLength() : 1;
    return f[3] + f[4] + f[5] + f[6] / tokens;
  }

  /** OpenBLAS sgemm GFLOP/s (median of 5) on a square matrix, or null without python3 and numpy. */
  private static Double openBlas(int threads) {
    String script =
        "import numpy as np, time\n"
            + "a = np.random.rand("
            + PEAK_N
            + ","
            + PEAK_N
            + ").astype(np.float32); b = a.copy(); a @ b\n"
            + "t = []\n"
            + "for _ in range(5):\n"
            + "    s = time.perf_counter(); a @ b; t.append(time.perf_counter() - s)\n"
            + "print(2 * "
            + PEAK_N
            + "**3 / sorted(t)[2] / 1e9)\n";
    try {
      ProcessBuilder builder =
          new ProcessBuilder("python3", "-c", script).redirectErrorStream(true);
      for (String v : List.of("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")) {
        builder.environment().put(v, Integer.toString(threads));
      }
      Process process = builder.start();
      String out =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return null;
      }
      return Double.parseDouble(out);
    } catch (IOException | NumberFormatException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
