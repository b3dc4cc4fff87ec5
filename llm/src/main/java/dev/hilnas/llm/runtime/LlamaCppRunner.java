package dev.hilnas.llm.runtime;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.hilnas.core.Candidate;
import dev.hilnas.core.Objective;
import dev.hilnas.core.Phase;
import dev.hilnas.core.Runner;
import dev.hilnas.llm.runtime.gguf.CandidateGguf;
import dev.hilnas.llm.runtime.gguf.GgmlType;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times candidates in llama.cpp (through java-llama.cpp's JNI binding, its natives bundled for
 * Linux x86_64/aarch64 and Android aarch64): each candidate is written as a GGUF model with random
 * weights ({@link CandidateGguf}), loaded once, and timed per objective from llama.cpp's own
 * timings. PREFILL@N: a prompt of exactly N tokens with the prompt cache off, the prompt eval time.
 * DECODE@N: the same prompt with the cache on (evaluated once), then {@link #DECODE_TOKENS} tokens
 * generated; eval time per token, so at cache lengths N to N+{@value #DECODE_TOKENS}. Token counts
 * are checked against what llama.cpp says it evaluated.
 *
 * <p>The timings are read from llama.cpp's log file ({@code --log-file}): java-llama.cpp's log
 * callback only sees the library's messages, and the server loop that times requests logs through
 * llama.cpp's common log, which also writes to stderr. That log is global to the process, so one
 * runner runs at a time per JVM. Not thread-safe.
 */
public final class LlamaCppRunner implements Runner, AutoCloseable {

  /** Tokens generated per DECODE sample; their mean is the sample. */
  public static final int DECODE_TOKENS = 16;

  /** How long the timings may lag the request's end (they are logged from llama.cpp's thread). */
  private static final long LOG_WAIT_MS = 5_000;

  private static final Pattern BUILD = Pattern.compile("build[:=]?\\s*(\\d+)\\s*\\(([0-9a-f]+)\\)");

  private final int threads;
  private final GgmlType weights;
  private final long seed;
  private final Path directory;
  private final Path log;
  private long logRead;
  private final String version;
  private Candidate loaded;
  private int loadedContext;
  private Map<String, String> approximations = Map.of();
  private LlamaModel model;
  private Path file;

  /**
   * Loads llama.cpp and a tiny model once, to learn llama.cpp's build for {@link #runtime()} and to
   * fail now rather than at the first candidate when the natives do not load here.
   *
   * @param weights {@link GgmlType#Q8_0} or {@link GgmlType#Q4_0}
   * @param seed the random weights' seed (latency does not depend on it)
   */
  public LlamaCppRunner(int threads, GgmlType weights, long seed) {
    check(threads, weights);
    this.threads = threads;
    this.weights = weights;
    this.seed = seed;
    try {
      this.directory = Files.createTempDirectory("hilnas-llama-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for GGUF models", e);
    }
    this.log = directory.resolve("llama.log");
    loadNatives();
    load(probe(), 64);
    this.version = build(awaitLog(s -> BUILD.matcher(s).find()));
  }

  /** {@code llama.cpp-b<build>}, the build of the bundled llama.cpp. */
  @Override
  public String runtime() {
    return "llama.cpp-" + version;
  }

  /** The weight type, e.g. {@code q8_0}: the precision of this runner's target. */
  public String precision() {
    return weights.label();
  }

  /**
   * What runs in place of the last candidate where llama.cpp cannot run it exactly (keys {@code
   * llama.cpp.*}); empty when it runs as specified. For the measurements' environment.
   */
  public Map<String, String> approximations() {
    return approximations;
  }

  /** The approximations, and the weight type. */
  @Override
  public Map<String, String> environment() {
    Map<String, String> out = new LinkedHashMap<>(approximations);
    out.put("llama.cpp.weights", weights.label());
    return out;
  }

  @Override
  public List<Double> time(Candidate candidate, Objective objective, int warmups, int repetitions) {
    int context = objective.contextLength() + DECODE_TOKENS + 8;
    if (!candidate.equals(loaded) || context > loadedContext) {
      load(candidate, context); // another candidate, or a longer context than it was loaded for
    }
    for (int r = 0; r < warmups; r++) {
      sample(objective);
    }
    List<Double> samples = new ArrayList<>();
    for (int r = 0; r < repetitions; r++) {
      samples.add(sample(objective));
    }
    return samples;
  }

  @Override
  public Map<Objective, List<Double>> timeAll(
      Candidate candidate, List<Objective> objectives, int warmups, int repetitions) {
    int longest = objectives.stream().mapToInt(Objective::contextLength).max().orElse(1);
    if (!candidate.equals(loaded) || longest + DECODE_TOKENS + 8 > loadedContext) {
      load(candidate, longest + DECODE_TOKENS + 8);
    }
    Map<Objective, List<Double>> out = new LinkedHashMap<>();
    for (Objective o : objectives) {
      out.put(o, time(candidate, o, warmups, repetitions));
    }
    return out;
  }

  /** One request's sample, ms, from llama.cpp's timings. */
  private double sample(Objective objective) {
    int n = objective.contextLength();
    boolean decode = objective.phase() == Phase.DECODE;
    InferenceParameters request =
        new InferenceParameters(String.valueOf(CandidateGguf.PROMPT_BYTE).repeat(n))
            .setNPredict(decode ? DECODE_TOKENS : 1)
            .setCachePrompt(decode)
            .setIgnoreEos(true)
            .setTemperature(0)
            .setSeed((int) seed);
    model.complete(request);
    LlamaTimings t = LlamaTimings.parse(awaitLog(s -> LlamaTimings.parse(s).isPresent())).get();
    if (decode) {
      if (t.evalTokens() != DECODE_TOKENS) {
        throw new IllegalStateException(
            "llama.cpp generated " + t.evalTokens() + " tokens, expected " + DECODE_TOKENS);
      }
      return t.evalMs() / t.evalTokens();
    }
    if (t.promptTokens() != n) {
      throw new IllegalStateException(
          "llama.cpp evaluated " + t.promptTokens() + " prompt tokens, expected exactly " + n);
    }
    return t.promptMs();
  }

  /**
   * What llama.cpp logged since the last call, once it satisfies {@code done}: its log is written
   * by a thread of its own, so the lines of a request may come a little after the request returns.
   */
  private String awaitLog(java.util.function.Predicate<String> done) {
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOG_WAIT_MS);
    try {
      while (true) {
        seen.append(readLog());
        if (done.test(seen.toString())) {
          return seen.toString();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "llama.cpp logged no timings to "
                  + log
                  + " within "
                  + LOG_WAIT_MS
                  + " ms (another llama.cpp runner in this JVM?)");
        }
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for llama.cpp's timings", e);
    }
  }

  /** The log's bytes from where the last read stopped. */
  private String readLog() {
    if (!Files.exists(log)) {
      return "";
    }
    try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
      if (in.length() < logRead) {
        logRead = 0; // a new model restarted the log
      }
      byte[] bytes = new byte[Math.toIntExact(in.length() - logRead)];
      in.seek(logRead);
      in.readFully(bytes);
      logRead += bytes.length;
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read llama.cpp's log " + log, e);
    }
  }

  private void load(Candidate candidate, int context) {
    unload();
    CandidateGguf gguf = new CandidateGguf(candidate, weights, context, seed);
    file = directory.resolve(candidate.archId() + "-" + weights.label() + ".gguf");
    try {
      gguf.write(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    model =
        new LlamaModel(
            new ModelParameters()
                .setModel(file.toString())
                .setThreads(threads)
                .setThreadsBatch(threads)
                .setCtxSize(context)
                .setBatchSize(Math.min(context, 2048))
                .setParallel(1)
                .setGpuLayers(0)
                .setLogFile(log.toString())
                .disableContextShift());
    loaded = candidate;
    loadedContext = context;
    approximations = gguf.approximations();
  }

  /** The smallest model that loads, for the probe. */
  private static Candidate probe() {
    return Candidate.builder()
        .layers(1)
        .dModel(32)
        .heads(1)
        .headDim(32)
        .ffnDim(32)
        .vocabSize(CandidateGguf.MIN_VOCAB)
        .attention("G")
        .build();
  }

  private static String build(String log) {
    Matcher m = BUILD.matcher(log);
    return m.find() ? "b" + m.group(1) : "unknown";
  }

  /**
   * Loads the natives with System.out pointed at stderr: java-llama.cpp prints where it extracted
   * them on stdout, which {@code agent --once --json} keeps for measurement lines.
   */
  private static synchronized void loadNatives() {
    PrintStream out = System.out;
    System.setOut(System.err);
    try {
      Class.forName(LlamaModel.class.getName(), true, LlamaModel.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    } finally {
      System.setOut(out);
    }
  }

  /** Frees the model and deletes its files. */
  @Override
  public void close() {
    unload();
    try {
      Files.deleteIfExists(log);
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }

  private void unload() {
    if (model != null) {
      model.close();
      model = null;
    }
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temporary file left behind is harmless
      }
      file = null;
    }
    loaded = null;
    loadedContext = 0;
  }

  /** What a llama.cpp runner of this project can time: a thread or more, q8_0 or q4_0 weights. */
  static void check(int threads, GgmlType weights) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (weights != GgmlType.Q8_0 && weights != GgmlType.Q4_0) {
      throw new IllegalArgumentException("weights must be q8_0 or q4_0, got " + weights.label());
    }
  }
}
