package dev.hilnas.llm.runtime;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import java.util.List;

/**
 * The built-in runner: builds the candidate as a {@link Decoder} with random weights and times it.
 * The last decoder is kept, so timing several objectives of one candidate builds it once. Not
 * thread-safe.
 */
public final class JavaCpuRunner implements Runner, AutoCloseable {

  private final int threads;
  private final Timing timing = new Timing(System::nanoTime);
  private Decoder decoder;

  public JavaCpuRunner(int threads) {
    this.threads = threads;
  }

  @Override
  public List<Double> time(Candidate candidate, Objective objective, int warmups, int repetitions) {
    if (decoder == null || !decoder.candidate().equals(candidate)) {
      close();
      decoder = new Decoder(candidate, 1, threads);
    }
    return timing.measure(decoder, objective, warmups, repetitions);
  }

  @Override
  public String runtime() {
    return name();
  }

  /**
   * {@code java-cpu-vector} where the Vector API kernels run (JDK 21+), else {@code java-cpu}: the
   * two run at different speeds, so their measurements belong to different targets.
   */
  public static String name() {
    return VectorKernels.ENABLED ? "java-cpu-vector" : "java-cpu";
  }

  @Override
  public void close() {
    timing.forget(); // or the old decoder stays reachable while the next one is built
    if (decoder != null) {
      decoder.close();
      decoder = null;
    }
  }
}
