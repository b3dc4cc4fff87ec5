package dev.hilnas.llm.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Runner;
import dev.hilnas.llm.runtime.LlamaWorker.Reply;
import dev.hilnas.llm.runtime.LlamaWorker.Request;
import dev.hilnas.llm.runtime.gguf.GgmlType;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Times candidates in llama.cpp in a child JVM ({@link LlamaWorker}) that it recycles:
 * java-llama.cpp 4.2.0 frees nothing when a model is closed (kherud/java-llama.cpp#102), so every
 * candidate loaded in a process stays in its memory. A fresh worker takes over after {@link
 * Recycling#candidates()} candidates, or once the worker's resident memory passes {@link
 * Recycling#rssBytes()} (where {@code /proc} says it), always between two candidates, so the
 * warm-ups and samples of one candidate run in the same process.
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

  /** How long a worker asked to stop (its stdin closed) may take before it is killed. */
  private static final long STOP_WAIT_MS = 5_000;

  /** The environment key of the worker that timed a candidate: 1, 2, ... in the runner's life. */
  public static final String WORKER = "llama.cpp.worker";

  /** How long a fresh worker may take to say its runtime (a JVM, the natives, a probe model). */
  private static final Duration START_WITHIN = Duration.ofMinutes(2);

  /** Kills workers that hang on a request; one daemon thread for every runner. */
  private static final ScheduledExecutorService WATCHDOG = watchdog();

  private static ScheduledExecutorService watchdog() {
    ScheduledThreadPoolExecutor w =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "llama.cpp worker watchdog");
              t.setDaemon(true);
              return t;
            });
    w.setRemoveOnCancelPolicy(true); // a cancelled watch must not hold its worker for minutes
    return w;
  }

  /** Lines of a dead worker's log that its request's exception quotes. */
  private static final int LAST_WORDS = 8;

  private final int threads;
  private final GgmlType weights;
  private final long seed;
  private final Recycling recycling;
  private final Path directory;
  private final Thread shutdownHook;
  private final String runtime;
  private volatile Worker worker; // volatile: the shutdown hook reads it
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
      this.directory = Files.createTempDirectory("hilnas-llama-workers-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for llama.cpp workers", e);
    }
    // a JVM that exits without closing this runner must not leave its worker running
    this.shutdownHook = new Thread(this::kill, "llama.cpp worker shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      this.runtime = start().runtime;
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
    Worker w = workerFor(candidate);
    Reply reply = w.ask(candidate, new Request(candidate, objectives, warmups, repetitions));
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
  private Worker workerFor(Candidate candidate) {
    if (worker != null && !candidate.equals(worker.last) && worker.due()) {
      stopWorker();
    }
    return worker != null ? worker : start();
  }

  /** The current worker's process, for tests that kill it. */
  ProcessHandle workerProcess() {
    return worker == null ? null : worker.process.toHandle();
  }

  /** A fresh worker, the current one once it says its runtime. */
  private Worker start() {
    Worker started = launch();
    Reply hello = started.readWithin(START_WITHIN, "starting llama.cpp");
    if (hello.runtime() == null) {
      stopWorker();
      throw new IllegalStateException("llama.cpp does not start: " + hello.error());
    }
    started.runtime = hello.runtime();
    return started;
  }

  /**
   * Starts a worker process as the current worker, unless the runner is closed: under the lock the
   * shutdown hook takes, so no worker starts after the hook has looked.
   */
  private synchronized Worker launch() {
    if (closed) {
      throw new CancellationException("the llama.cpp runner is closed");
    }
    workersStarted++;
    Path home = directory.resolve("worker-" + workersStarted);
    Path log = directory.resolve("worker-" + workersStarted + ".log");
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
      worker = new Worker(workersStarted, process, home, log);
      return worker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a llama.cpp worker: " + command, e);
    }
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
    Worker w;
    synchronized (this) {
      closed = true;
      w = worker;
    }
    if (w != null) {
      try {
        w.process.destroyForcibly().waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    delete(directory);
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
    delete(directory);
  }

  private static void delete(Path tree) {
    try (Stream<Path> paths = Files.walk(tree)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary file left behind is harmless
    }
  }

  /** One worker process and the candidates it has loaded. */
  private final class Worker {
    private final Process process;
    private final Path home;
    private final Path log;
    private final int number; // 1 for a runner's first worker, counting up
    private final BufferedWriter requests;
    private final BufferedReader replies;
    private String runtime;
    private Candidate last;
    private int candidates;
    private volatile Duration hungAfter; // set by the watchdog before it kills the process

    Worker(int number, Process process, Path home, Path log) {
      this.number = number;
      this.process = process;
      this.home = home;
      this.log = log;
      this.requests =
          new BufferedWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
      this.replies =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Whether a fresh worker should take the next candidate. */
    boolean due() {
      return candidates >= recycling.candidates()
          || rss().orElse(0) > recycling.rssBytes()
          || !process.isAlive();
    }

    Reply ask(Candidate candidate, Request request) {
      if (!candidate.equals(last)) {
        candidates++;
        last = candidate;
      }
      String what = "timing candidate " + candidate.archId();
      try {
        requests.write(LlamaWorker.JSON.writeValueAsString(request));
        requests.newLine();
        requests.flush();
      } catch (IOException e) {
        throw died(what);
      }
      return readWithin(recycling.answerWithin(), what);
    }

    /** The next reply, the worker killed if it does not come within {@code limit}. */
    Reply readWithin(Duration limit, String what) {
      Object watched = new Object(); // the watch kills only while the reply is awaited
      boolean[] answered = {false};
      ScheduledFuture<?> watch =
          WATCHDOG.schedule(
              () -> {
                synchronized (watched) {
                  if (!answered[0]) {
                    hungAfter = limit;
                    process.destroyForcibly();
                  }
                }
              },
              limit.toMillis(),
              TimeUnit.MILLISECONDS);
      try {
        return read(what);
      } finally {
        synchronized (watched) {
          answered[0] = true;
        }
        watch.cancel(false);
      }
    }

    /** The next reply; the worker's death (its stdout ends) fails it. */
    Reply read(String what) {
      try {
        for (String line = replies.readLine(); line != null; line = replies.readLine()) {
          int at = line.indexOf(LlamaWorker.REPLY);
          if (at >= 0) {
            return LlamaWorker.JSON.readValue(
                line.substring(at + LlamaWorker.REPLY.length()), Reply.class);
          }
        }
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("the llama.cpp worker garbled its reply " + what, e);
      } catch (IOException e) {
        // its stdout broke: it died
      }
      throw died(what);
    }

    /**
     * The exception for a worker that died {@code what}ing; the next request gets a fresh one. When
     * the runner was closed under it (the JVM exits: Ctrl-C), the request is cancelled, not failed.
     */
    private RuntimeException died(String what) {
      String exit;
      try {
        exit =
            process.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS)
                ? "exit status " + process.exitValue()
                : "still running";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exit = "unknown status";
      }
      String words = lastWords();
      stopWorker(); // this one: the next request starts a fresh one
      synchronized (LlamaCppProcessRunner.this) {
        if (closed) {
          return new CancellationException(
              "the llama.cpp runner was closed while " + what + " (" + exit + ")");
        }
      }
      return new IllegalStateException(
          "the llama.cpp worker (pid "
              + process.pid()
              + ") "
              + (hungAfter != null ? "did not answer within " + hungAfter + ", killed, " : "died ")
              + what
              + " ("
              + exit
              + ")"
              + (words.isEmpty() ? "" : "; its last words: " + words));
    }

    private String lastWords() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join(
                " | ", lines.subList(Math.max(0, lines.size() - LAST_WORDS), lines.size()))
            .strip();
      } catch (IOException | UncheckedIOException e) {
        return "";
      }
    }

    /** The worker's resident memory, bytes, where /proc says it. */
    private OptionalLong rss() {
      Path status = Path.of("/proc", Long.toString(process.pid()), "status");
      try (Stream<String> lines = Files.lines(status)) {
        return lines
            .filter(l -> l.startsWith("VmRSS:"))
            .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024)
            .findFirst();
      } catch (IOException | UncheckedIOException | NumberFormatException e) {
        return OptionalLong.empty();
      }
    }

    /** Closes its stdin (it exits), kills it if it does not, and deletes its files. */
    void stop() {
      try {
        requests.close();
      } catch (IOException e) {
        // it is gone already
      }
      try {
        if (!process.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      delete(home);
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a log left behind is harmless
      }
    }
  }
}
