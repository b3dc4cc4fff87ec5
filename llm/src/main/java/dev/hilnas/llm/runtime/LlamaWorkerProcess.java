package dev.hilnas.llm.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hilnas.core.Candidate;
import dev.hilnas.llm.runtime.LlamaCppProcessRunner.Recycling;
import dev.hilnas.llm.runtime.LlamaWorker.Reply;
import dev.hilnas.llm.runtime.LlamaWorker.Request;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One {@link LlamaWorker} process of a {@link LlamaCppProcessRunner}: requests written to its
 * stdin, replies read from its stdout, its stderr in a log file, its temporary files in a directory
 * deleted with it. A reply that does not come within its limit gets the process killed.
 */
final class LlamaWorkerProcess {

  /** How long a worker asked to stop (its stdin closed) may take before it is killed. */
  static final long STOP_WAIT_MS = 5_000;

  /** Lines of a dead worker's log that its request's exception quotes. */
  private static final int LAST_WORDS = 8;

  /** Kills workers that hang on a request; one daemon thread for every worker of the JVM. */
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

  /** 1 for a runner's first worker, counting up. */
  final int number;

  private final Process process;
  private final Path home;
  private final Path log;
  private final BooleanSupplier runnerClosed;
  private final BufferedWriter requests;
  private final BufferedReader replies;
  private Candidate last;
  private int candidates;
  private volatile Duration hungAfter; // set by the watchdog before it kills the process

  /**
   * @param runnerClosed whether the runner was closed: a request it cuts short is cancelled, not
   *     failed
   */
  LlamaWorkerProcess(
      int number, Process process, Path home, Path log, BooleanSupplier runnerClosed) {
    this.number = number;
    this.process = process;
    this.home = home;
    this.log = log;
    this.runnerClosed = runnerClosed;
    this.requests =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.replies =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Whether it is timing this candidate already: its warm-ups and samples stay in one process. */
  boolean timing(Candidate candidate) {
    return candidate.equals(last);
  }

  /** Whether a fresh worker should take the next candidate. */
  boolean due(Recycling recycling) {
    return candidates >= recycling.candidates()
        || rss().orElse(0) > recycling.rssBytes()
        || !process.isAlive();
  }

  /**
   * The reply to a request about the candidate, within {@code limit}.
   *
   * @throws IllegalStateException when the worker dies or is killed first
   * @throws CancellationException when the runner was closed under it
   */
  Reply ask(Candidate candidate, Request request, Duration limit) {
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
    return readWithin(limit, what);
  }

  /** The next reply, the process killed if it does not come within {@code limit}. */
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
  private Reply read(String what) {
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

  /** The exception for a worker that died {@code what}ing; cancelled if the runner closed. */
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
    if (runnerClosed.getAsBoolean()) {
      return new CancellationException(
          "the llama.cpp runner was closed while " + what + " (" + exit + ")");
    }
    String words = lastWords();
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
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - LAST_WORDS), lines.size()))
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

  /** Kills it at once (it may be busy with a candidate) and waits a little for it to go. */
  void kill() {
    try {
      process.destroyForcibly().waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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

  static void delete(Path tree) {
    for (int walk = 0; walk < 3 && Files.exists(tree); walk++) {
      try (Stream<Path> paths = Files.walk(tree)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        // a file went while the tree was walked (a killed worker still leaving): walk it again; a
        // temporary file left behind after that is harmless
      }
    }
  }
}
