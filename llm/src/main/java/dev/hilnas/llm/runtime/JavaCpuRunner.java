package dev.hilnas.llm.runtime;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The built-in runner: builds the candidate as a {@link Decoder} with random weights and times it.
 * The last decoder is kept, so timing several objectives of one candidate builds it once. Not
 * thread-safe.
 */
public final class JavaCpuRunner implements Runner, AutoCloseable {

  /**
   * How many samples of the last objective were taken again, the thread not having run them whole.
   */
  public static final String RETAKEN = "java-cpu.samplesRetaken";

  private final int threads;
  private final Timing timing;
  private final boolean checked;
  private Decoder decoder;

  public JavaCpuRunner(int threads) {
    this.threads = threads;
    LongSupplier cpu = threadCpuTime(threads);
    this.checked = cpu != null;
    this.timing = checked ? new Timing(System::nanoTime, cpu) : new Timing(System::nanoTime);
  }

  /**
   * The timing thread's CPU clock when the decoder runs on that thread alone (one thread) and the
   * JVM has one; else none, and samples are taken as they come.
   */
  private static LongSupplier threadCpuTime(int threads) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    return threads == 1 && mx.isCurrentThreadCpuTimeSupported()
        ? mx::getCurrentThreadCpuTime
        : null;
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

  /** {@link #RETAKEN}, when samples are checked (one thread). */
  @Override
  public Map<String, String> environment() {
    return checked ? Map.of(RETAKEN, Integer.toString(timing.retaken())) : Map.of();
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
