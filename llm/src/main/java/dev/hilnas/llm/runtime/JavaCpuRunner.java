package dev.hilnas.llm.runtime;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The built-in runner: builds the candidate as a {@link Decoder} with random weights and times it.
 * The last decoder is kept, so timing several objectives of one candidate builds it once. Not
 * thread-safe.
 */
public final class JavaCpuRunner implements Runner, AutoCloseable {

  /**
   * How many timed samples of a measurement were taken again, the timing thread not having run for
   * the whole of them.
   */
  public static final String RETAKEN = "java-cpu.samplesRetaken";

  private final int threads;
  private final Timing timing;
  private final boolean checked;
  private Decoder decoder;

  public JavaCpuRunner(int threads) {
    this.threads = threads;
    Optional<LongSupplier> cpu = threadCpuTime(threads);
    this.checked = cpu.isPresent();
    this.timing =
        cpu.map(c -> new Timing(System::nanoTime, c)).orElseGet(() -> new Timing(System::nanoTime));
  }

  /**
   * The timing thread's CPU clock when the decoder runs on that thread alone (one thread) and the
   * JVM keeps one at a useful grain; else none, and samples are taken as they come. Windows's
   * thread clock moves in steps of about 15 ms, so a 1 ms sample would seem never to have run.
   */
  private static Optional<LongSupplier> threadCpuTime(int threads) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    boolean usable =
        threads == 1
            && mx.isCurrentThreadCpuTimeSupported()
            && mx.isThreadCpuTimeEnabled()
            && !System.getProperty("os.name", "").startsWith("Windows");
    return usable ? Optional.of(mx::getCurrentThreadCpuTime) : Optional.empty();
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
   * {@link #RETAKEN} for the samples of {@code objective} since it was last asked for, when samples
   * are checked (one thread).
   */
  @Override
  public Map<String, String> environment(Objective objective) {
    return checked ? Map.of(RETAKEN, Integer.toString(timing.reportRetaken(objective))) : Map.of();
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
