package dev.hilnas.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starting the cluster's processes: output appended to a log file, no terminal input, so that they
 * outlive the invocation that started them.
 */
final class Processes {
  private Processes() {}

  private static final File NO_INPUT = new File("/dev/null");

  static Process start(List<String> command, Path log, Map<String, String> env) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (env != null) {
      builder.environment().putAll(env);
    }
    return builder.start();
  }

  /** A tool run to its end (formatting storage, submitting the job). */
  static Run run(List<String> command, Path log, Map<String, String> env) throws IOException {
    Files.deleteIfExists(log);
    return new Run(start(command, log, env), command, log);
  }

  record Run(Process process, List<String> command, Path log) {
    /**
     * @return what it printed
     * @throws IllegalStateException when it fails or runs past {@code timeout}, with its output
     */
    String awaitSuccess(Duration timeout) throws Exception {
      boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        process.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (!ended || process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command.subList(Math.max(0, command.size() - 6), command.size()))
                + (ended ? " failed (exit " + process.exitValue() + ")" : " timed out")
                + ", see "
                + log
                + ":\n"
                + tail(output));
      }
      return output;
    }
  }

  static String tail(String text) {
    return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
  }
}
