package dev.hilnas.llm.runtime;

import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import dev.hilnas.llm.runtime.LlamaWorker.Reply;
import dev.hilnas.llm.runtime.LlamaWorker.Request;
import dev.hilnas.llm.runtime.gguf.GgmlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Times candidates in llama.cpp in a child JVM ({@link LlamaWorker}, one {@link LlamaWorkerProcess}
 * at a time) that it recycles: java-llama.cpp 4.2.0 frees nothing when a model is closed
 * (kherud/java-llama.cpp#102), so every candidate loaded in a process stays in its memory. A fresh
 * worker takes over after {@link Recycling#candidates()} candidates, or once the worker's resident
 * memory passes {@link Recycling#rssBytes()} (where {@code /proc} says it), always between two
 * candidates, so the warm-ups and samples of one candidate run in the same process.
 *
 * <p>A worker that dies mid-request (a crash, the OOM killer) fails that request with the tail of
 * its log; the next request starts a fresh one. The worker's stderr (llama.cpp's messages) goes to
 * a log file that each worker starts anew, its temporary files to a directory deleted with it. Not
 * thread-safe.
 */
public final class LlamaCppProcessRunner implements Runner, AutoCloseable {

  /**
   * When a fresh worker takes over.
   *
   * @param candidates candidates a worker loads before it is recycled (the reference candidate the
   *     agent times between two candidates counts too: each load stays in memory)
   * @param rssBytes the worker's resident memory past which it is recycled
   * @param answerWithin a worker that has not answered a request by then is killed (a hang), the
   *     request failed, and the next one gets a fresh worker
   */
  public record Recycling(int candidates, long rssBytes, Duration answerWithin) {

    /**
     * 16 candidates: the small candidates leak tens to hundreds of MB each, so a worker stays
     * within a GB or two, while its start (a JVM, the natives, a probe model: about a second) is
     * paid once per 16 candidates that take seconds to minutes each. 2 GiB bounds the large ones;
     * 10 minutes is as long as the agent gives an external runner command.
     */
    public static final Recycling DEFAULT = new Recycling(16, 2L << 30, Duration.ofMinutes(10));

    public Recycling {
      if (candidates < 1 || rssBytes < 1 || answerWithin.isNegative() || answerWithin.isZero()) {
        throw new IllegalArgumentException(
            "recycling needs candidates >= 1, rssBytes >= 1 and answerWithin > 0, got "
                + candidates
                + ", "
                + rssBytes
                + ", "
                + answerWithin);
      }
    }
  }

  /** The environment key of the worker that timed a candidate: 1, 2, ... in the runner's life. */
  public static final String WORKER = "llama.cpp.worker";

  /** How long a fresh worker may take to say its runtime (a JVM, the natives, a probe model). */
  private static final Duration START_WITHIN = Duration.ofMinutes(2);

  private final int threads;
  private final GgmlType weights;
  private final long seed;
  private final Recycling recycling;
  private final WorkerDirectories.Owned owned;
  private final Thread shutdownHook;
  private final String runtime;
  private volatile LlamaWorkerProcess worker; // volatile: the shutdown hook reads it
  private int workersStarted;
  private boolean closed; // guarded by this
  private Map<String, String> environment = Map.of();

  /**
   * Starts a first worker, to learn llama.cpp's build for {@link #runtime()} and to fail now rather
   * than at the first candidate when llama.cpp does not start here.
   *
   * @param weights {@link GgmlType#Q8_0} or {@link GgmlType#Q4_0}
   * @param seed the random weights' seed (latency does not depend on it)
   */
  public LlamaCppProcessRunner(int threads, GgmlType weights, long seed, Recycling recycling) {
    LlamaCppRunner.check(threads, weights);
    this.threads = threads;
    this.weights = weights;
    this.seed = seed;
    this.recycling = recycling;
    try {
      Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
      WorkerDirectories.removeAbandoned(temporary, Instant.now()); // agents killed left them
      this.owned = WorkerDirectories.create(temporary);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for llama.cpp workers", e);
    }
    // a JVM that exits without closing this runner must not leave its worker running
    this.shutdownHook = new Thread(this::kill, "llama.cpp worker shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      this.runtime = start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** {@code llama.cpp-b<build>}, the build of the bundled llama.cpp. */
  @Override
  public String runtime() {
    return runtime;
  }

  /**
   * The last candidate's approximations (see {@link LlamaCppRunner#approximations()}), the weight
   * type, and the worker that timed it ({@value #WORKER}).
   */
  @Override
  public Map<String, String> environment() {
    return environment;
  }

  @Override
  public List<Double> time(Candidate candidate, Objective objective, int warmups, int repetitions) {
    return timeAll(candidate, List.of(objective), warmups, repetitions).get(objective);
  }

  @Override
  public Map<Objective, List<Double>> timeAll(
      Candidate candidate, List<Objective> objectives, int warmups, int repetitions) {
    LlamaWorkerProcess w = workerFor(candidate);
    Reply reply;
    try {
      reply =
          w.ask(
              candidate,
              new Request(candidate, objectives, warmups, repetitions),
              recycling.answerWithin());
    } catch (RuntimeException e) {
      stopWorker(); // it died or was killed: the next request starts a fresh one
      throw e;
    }
    if (reply.error() != null) {
      throw new IllegalStateException(
          "llama.cpp failed on candidate " + candidate.archId() + ": " + reply.error());
    }
    if (reply.samples() == null || reply.samples().size() != objectives.size()) {
      throw new IllegalStateException(
          "the llama.cpp worker answered candidate " + candidate.archId() + " without samples");
    }
    Map<Objective, List<Double>> out = new LinkedHashMap<>();
    for (int i = 0; i < objectives.size(); i++) {
      out.put(objectives.get(i), reply.samples().get(i));
    }
    Map<String, String> env = new LinkedHashMap<>();
    if (reply.environment() != null) {
      env.putAll(reply.environment());
    }
    // which worker timed it: a fresh worker's first candidate may run colder than the rest
    env.put(WORKER, Integer.toString(w.number));
    environment = Map.copyOf(env);
    return out;
  }

  /** The worker for the candidate: the current one, or a fresh one between candidates when due. */
  private LlamaWorkerProcess workerFor(Candidate candidate) {
    if (worker != null && !worker.timing(candidate) && worker.due(recycling)) {
      stopWorker();
    }
    if (worker == null) {
      start();
    }
    return worker;
  }

  /** The current worker's process, for tests that kill it. */
  ProcessHandle workerProcess() {
    return worker == null ? null : worker.handle();
  }

  /** Starts a fresh worker as the current one; its llama.cpp build once it says it. */
  private String start() {
    LlamaWorkerProcess started = launch();
    Reply hello;
    try {
      hello = started.readWithin(START_WITHIN, "starting llama.cpp");
    } catch (RuntimeException e) {
      stopWorker();
      throw e;
    }
    if (hello.runtime() == null) {
      stopWorker();
      throw new IllegalStateException("llama.cpp does not start: " + hello.error());
    }
    return hello.runtime();
  }

  /**
   * Starts a worker process as the current worker, unless the runner is closed: under the lock the
   * shutdown hook takes, so no worker starts after the hook has looked.
   */
  private synchronized LlamaWorkerProcess launch() {
    if (closed) {
      throw new CancellationException("the llama.cpp runner is closed");
    }
    workersStarted++;
    Path home = owned.directory().resolve("worker-" + workersStarted);
    Path log = owned.directory().resolve("worker-" + workersStarted + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the module and native-access flags of this JVM (the Vector API module, JNI without warnings)
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-modules=") || a.startsWith("--enable-native-access="))
        .forEach(command::add);
    // one row of weights at a time on the heap: a small heap keeps the worker's memory llama.cpp's
    command.add("-Xmx256m");
    // the natives, the GGUF files and llama.cpp's log go to a directory deleted with the worker
    command.add("-Djava.io.tmpdir=" + home);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LlamaWorker.class.getName());
    command.add(Integer.toString(threads));
    command.add(weights.name());
    command.add(Long.toString(seed));
    try {
      Files.createDirectories(home);
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
              .start();
      worker = new LlamaWorkerProcess(workersStarted, process, home, log, this::isClosed);
      return worker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a llama.cpp worker: " + command, e);
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void stopWorker() {
    if (worker != null) {
      worker.stop();
      worker = null;
    }
  }

  /**
   * At the JVM's exit, unclosed (Ctrl-C): the worker may be busy with a candidate, so it is killed
   * rather than asked to stop (its request is cancelled), and its files go once it is gone.
   */
  void kill() {
    LlamaWorkerProcess w;
    synchronized (this) {
      closed = true;
      w = worker;
    }
    if (w != null) {
      w.kill();
    }
    owned.close();
  }

  /** Stops the worker and deletes its files. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    stopWorker();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook stops the worker
    }
    owned.close();
  }
}
