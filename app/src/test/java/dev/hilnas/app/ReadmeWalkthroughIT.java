package dev.hilnas.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hilnas.app.stack.HttpSettings;
import dev.hilnas.app.stack.Stack;
import dev.hilnas.core.Limits;
import dev.hilnas.producers.gateway.Devices;
import dev.hilnas.schemas.json.Json;
import dev.hilnas.streams.JobSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's Quickstart as written: every command of its fenced bash blocks, in order,
 * through bash in the repository root, against a fresh stack that stands in for {@code ./hilnas
 * serve} (same ports on a restart, as the README restarts serve after adding a device). The
 * commands are read from README.md, so the README cannot drift from what works: a command without
 * an expectation below fails the test, and so does an expectation no command matched. The only
 * edits: {@code localhost:8080} becomes the stack's HTTP port, and the environment points the CLI
 * at the stack's Kafka ({@code HILNAS_BOOTSTRAP}) and a devices file of its own ({@code
 * HILNAS_DEVICES}). Needs app/target/hilnas.jar and app/target/lib (the package phase, before
 * failsafe, makes them), bash and curl.
 */
class ReadmeWalkthroughIT {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String TARGET = "x86-1thread-numpy/numpy-openblas-fp32";

  /** How long a read waits for the pipeline to show the effect the README promises. */
  static final Duration SETTLE = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** What a command must do: its check returns null when it did, else what went wrong. */
  record Expect(String pattern, boolean waits, Function<Run, String> check) {
    boolean matches(String command) {
      return Pattern.compile(pattern).matcher(command).find();
    }
  }

  record Run(String command, int exit, String out, String err) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(out);
      } catch (IOException e) {
        return Json.MAPPER.missingNode();
      }
    }

    @Override
    public String toString() {
      return command + "\n exit " + exit + "\n stdout: " + cut(out) + "\n stderr: " + cut(err);
    }
  }

  /** Commands the test does not run, and why. */
  static final Map<String, String> NOT_RUN =
      Map.of(
          "./hilnas demo", "runs until Ctrl-C; DemoIT runs the demo's loop",
          "./mvnw -q verify", "the build that runs this test");

  static final List<Expect> EXPECTED =
      List.of(
          new Expect(
              "^\\./hilnas import examples/measurements-train\\.jsonl$",
              false,
              r -> r.exit() == 0 && r.err().contains("120 valid") ? null : "120 valid imported"),
          new Expect(
              "^\\./hilnas import examples/measurements-with-errors\\.jsonl$",
              false,
              r ->
                  r.exit() == 0 && r.err().contains("10 valid") && r.err().contains("3 invalid")
                      ? null
                      : "10 valid, 3 invalid reported"),
          new Expect(
              "^curl -s localhost:\\d+/api/v1/targets$",
              true,
              r -> {
                for (JsonNode t : r.json()) {
                  if (t.path("target").asText().equals(TARGET)) {
                    // the 10 valid lines of the file with errors repeat training lines: dropped
                    return t.path("measurements").asInt() == 120 ? null : "120 measurements: " + t;
                  }
                }
                return "a model of " + TARGET;
              }),
          new Expect(
              "^curl -s localhost:\\d+/api/v1/models/" + TARGET + "$",
              true,
              r ->
                  r.json().path("phases").has("PREFILL") && r.json().path("phases").has("DECODE")
                      ? null
                      : "PREFILL and DECODE prices"),
          new Expect(
              "^curl -s localhost:\\d+/api/v1/predict ",
              false,
              r -> {
                JsonNode p = r.json();
                double ms = p.path("latencyMs").asDouble();
                return ms > 0 && p.path("low").asDouble() <= ms && ms <= p.path("high").asDouble()
                    ? null
                    : "a latency within its interval";
              }),
          new Expect(
              "^\\./hilnas import examples/quality\\.jsonl$",
              false,
              r -> r.exit() == 0 && r.err().contains("40 quality evaluations") ? null : "40 evals"),
          new Expect(
              "^curl -s 'localhost:\\d+/api/v1/frontiers/" + TARGET + "\\?objective=PREFILL@512'$",
              true,
              r ->
                  r.json().path("objective").asText().equals("PREFILL@512")
                          && r.json().path("points").size() > 0
                      ? null
                      : "a PREFILL@512 frontier with points"),
          new Expect(
              "^curl -s localhost:\\d+/healthz ; curl -s localhost:\\d+/metrics \\| head$",
              false,
              r ->
                  r.out().startsWith("{\"status\":\"UP\"}") && r.out().contains("# TYPE")
                      ? null
                      : "UP, then metrics"),
          new Expect(
              "^\\./hilnas status$",
              false,
              r ->
                  r.exit() == 0 && r.out().contains(TARGET)
                      ? null
                      : "the stack UP, with " + TARGET),
          new Expect(
              "^TOKEN=\\$\\(\\./hilnas device add --id lab-numpy-1 --target " + TARGET + "\\)$",
              false,
              r -> r.out().strip().matches("hil_[0-9a-f]{48}") ? null : "a token on stdout"),
          new Expect(
              "^curl -s localhost:\\d+/api/v1/measurements -H \"Authorization: Bearer \\$TOKEN\"",
              false,
              r -> {
                JsonNode a = r.json();
                return a.path("accepted").asInt() == 10
                        && a.path("invalid").asInt() == 3
                        && a.path("errors").size() == 3
                    ? null
                    : "10 accepted, 3 invalid with reasons";
              }),
          new Expect(
              "^\\./hilnas model evaluate --train examples/measurements-train\\.jsonl --test"
                  + " examples/measurements-test\\.jsonl$",
              false,
              r -> r.exit() == 0 && r.out().contains("PREFILL") ? null : "accuracy per phase"),
          new Expect(
              "^\\./hilnas predict --train examples/measurements-train\\.jsonl --input"
                  + " examples/measurements-test\\.jsonl$",
              false,
              r -> r.exit() == 0 && r.out().lines().count() >= 40 ? null : "40 predictions"),
          new Expect(
              "^\\./hilnas quality --candidate data/candidates/pruned-4-layers\\.json$",
              false,
              r -> r.exit() == 0 && r.out().toLowerCase().contains("perplexity") ? null : "ppl"),
          new Expect(
              "^\\./hilnas agent --once --candidate examples/candidate\\.json --json$",
              false,
              r ->
                  r.exit() == 0
                          && r.out().lines().filter(l -> l.contains("\"latencyMs\"")).count() == 2
                      ? null
                      : "two measurement lines"));

  static final Pattern ASSIGNMENT = Pattern.compile("^([A-Z_]+)=\\$\\((.*)\\)$");

  @Test
  void everyQuickstartCommandWorksAsWrittenWithItsDocumentedEffect() throws Exception {
    Path jar = ROOT.resolve("app/target/hilnas.jar");
    assertTrue(
        Files.isRegularFile(jar) && Files.isDirectory(ROOT.resolve("app/target/lib")),
        "the ./hilnas launcher needs app/target/hilnas.jar and lib (package first); without them"
            + " it would install");
    Assumptions.assumeTrue(
        onPath("curl") || System.getenv("CI") != null, "no curl on the PATH; CI has one");
    List<String> commands = commands(Files.readString(ROOT.resolve("README.md")));
    assertTrue(commands.size() >= 10, "the Quickstart's commands: " + commands);

    int kafkaPort = freePort();
    int httpPort = freePort();
    Path devices = dir.resolve("devices.json");
    Path config = Files.writeString(dir.resolve("hilnas.properties"), "");
    Map<String, String> env = new HashMap<>();
    env.put("HILNAS_BOOTSTRAP", "localhost:" + kafkaPort);
    env.put("HILNAS_DEVICES", devices.toString());
    env.put("HILNAS_URL", "http://localhost:" + httpPort + "/"); // hilnas status's stack
    env.put("HILNAS_CONFIG", config.toString());
    env.put("HILNAS_JAVA_OPTS", "-Xmx1g");

    List<Expect> unused = new ArrayList<>(EXPECTED);
    long first = System.nanoTime();
    Stack stack = start(kafkaPort, httpPort, devices);
    System.out.printf("serve started in %.1f s%n", (System.nanoTime() - first) / 1e9);
    try {
      for (String written : commands) {
        if (NOT_RUN.containsKey(written)) {
          continue;
        }
        String command = written.replace("localhost:8080", "localhost:" + httpPort);
        List<Expect> matching = EXPECTED.stream().filter(e -> e.matches(command)).toList();
        assertEquals(
            1,
            matching.size(),
            "a README command needs exactly one expectation in ReadmeWalkthroughIT: " + written);
        Expect expect = matching.get(0);
        unused.remove(expect);
        Matcher assignment = ASSIGNMENT.matcher(command);
        String shell = assignment.matches() ? assignment.group(2) : command;
        long started = System.nanoTime();
        long deadline = started + SETTLE.toNanos();
        Run run;
        String problem;
        do {
          run = bash(shell, env);
          problem = expect.check().apply(run);
          if (problem == null || !expect.waits()) {
            break;
          }
          Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        if (problem != null) {
          fail("the README's command did not do what it says (" + problem + "):\n" + run);
        }
        // where the time goes (the machine's load shows here, not in any assertion)
        System.out.printf(
            "README command took %.1f s: %s%n", (System.nanoTime() - started) / 1e9, written);
        if (assignment.matches()) {
          env.put(assignment.group(1), run.out().strip());
        }
        if (command.contains("device add")) { // "restart serve to load it"
          long restart = System.nanoTime();
          stack.close();
          stack = start(kafkaPort, httpPort, devices);
          System.out.printf("serve restarted in %.1f s%n", (System.nanoTime() - restart) / 1e9);
        }
      }
    } finally {
      stack.close();
    }
    assertEquals(List.of(), unused, "expectations that no README command matched");
  }

  /**
   * The commands of the Quickstart's fenced bash blocks, comments stripped, continuations joined.
   */
  static List<String> commands(String readme) {
    int start = readme.indexOf("\n## Quickstart");
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<String> commands = new ArrayList<>();
    Matcher block = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (block.find()) {
      StringBuilder pending = new StringBuilder();
      for (String line : block.group(1).split("\n")) {
        pending.append(pending.length() == 0 ? "" : "\n").append(line);
        String code = withoutComment(pending.toString());
        if (openQuote(code) || code.endsWith("\\")) {
          continue;
        }
        if (!code.isBlank()) {
          commands.add(code.strip());
        }
        pending.setLength(0);
      }
      assertEquals("", pending.toString(), "an unfinished command at the end of a block");
    }
    return commands;
  }

  /** The text up to a '#' that starts a shell comment (outside quotes, after a space). */
  static String withoutComment(String text) {
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '#' && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))) {
        return text.substring(0, i).stripTrailing();
      }
    }
    return text.stripTrailing();
  }

  static boolean openQuote(String text) {
    char quote = 0;
    for (char c : text.toCharArray()) {
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"') {
        quote = c;
      }
    }
    return quote != 0;
  }

  Run bash(String command, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-c", command)
            .directory(ROOT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("over 3 minutes: " + command);
    }
    return new Run(
        command,
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  Stack start(int kafkaPort, int httpPort, Path devices) throws Exception {
    return Stack.start(
        new Stack.Options(
            dir.resolve("data"),
            null,
            false,
            kafkaPort,
            httpPort,
            HttpSettings.DEFAULTS,
            1,
            Duration.ofMillis(500),
            Duration.ofMillis(200),
            JobSettings.DEFAULT_OBJECTIVES,
            Devices.read(devices),
            true,
            Limits.DEFAULTS));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static boolean onPath(String name) {
    return PythonClientIT.onPath(name);
  }

  static String cut(String s) {
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
  }
}
