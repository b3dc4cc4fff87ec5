package dev.hilnas.app.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * The console of a long-running command ({@code demo}, {@code serve}, {@code agent}, {@code
 * search}, {@code quality --serve}, {@code cluster up}): every log line goes to a file, the console
 * shows warnings, errors and one {@link StatusLine}; {@code --verbose} shows every line as well.
 * The log4j configuration ({@code log4j2.xml}) reads the system properties set here, so the plan
 * lives in one place and {@code HILNAS_LOG_FORMAT=json} follows it too.
 */
final class ConsoleLog {
  /** Set by {@code --verbose} before the command runs. */
  private static volatile boolean verbose;

  private ConsoleLog() {}

  static void verbose(boolean on) {
    verbose = on;
  }

  static boolean isVerbose() {
    return verbose;
  }

  /**
   * Sends every log line to {@code file} too and, unless verbose, only warnings and errors to the
   * console; then keeps {@code status} on the console every {@code every} (redrawn each second on a
   * terminal).
   *
   * @return the status line, to {@link StatusLine#close close} when the command ends
   */
  static StatusLine toFile(Path file, Supplier<String> status, Duration every) {
    boolean terminal = quiet(file);
    System.err.println(where(file));
    return StatusLine.start(System.err, status, every, terminal);
  }

  /**
   * As {@link #toFile(Path, Supplier, Duration)}, with the newest INFO line of hilnas's own loggers
   * as the status: for the commands that have no summary of their own (agent, search, the
   * evaluator). The status line starts with that first line, so a command refused before it logs
   * anything prints only its refusal.
   *
   * @return closes the status line, if it started
   */
  static AutoCloseable toFileShowingLatest(Path file, Duration every) {
    boolean terminal = quiet(file);
    AtomicReference<String> latest = new AtomicReference<>();
    AtomicReference<StatusLine> line = new AtomicReference<>();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    Latest appender =
        new Latest(
            message -> {
              if (latest.getAndSet(message) == null) {
                System.err.println(where(file));
                line.set(StatusLine.start(System.err, latest::get, every, terminal));
              }
            });
    appender.start();
    config.addAppender(appender);
    config.getLoggerConfig("dev.hilnas").addAppender(appender, Level.INFO, null);
    context.updateLoggers();
    return () -> {
      StatusLine started = line.get();
      if (started != null) {
        started.close();
      }
    };
  }

  /** Reconfigures logging as the class comment says; whether stderr is a terminal. */
  private static boolean quiet(Path file) {
    // the file is created by the first line logged (createOnDemand), its directory now
    Path absolute = file.toAbsolutePath();
    boolean terminal = StatusLine.terminal();
    System.setProperty("hilnas.log.file", absolute.toString());
    System.setProperty("hilnas.log.console", verbose ? "ALL" : "WARN");
    // on a terminal a log line first erases the status line drawn in place, not to run into it
    System.setProperty("hilnas.log.linestart", terminal ? "\r\u001b[K" : "");
    ((LoggerContext) LogManager.getContext(false)).reconfigure();
    return terminal;
  }

  private static String where(Path file) {
    return "logs in " + file.toAbsolutePath() + (verbose ? "" : " (--verbose shows them here)");
  }

  /** Keeps the message of the newest INFO event of hilnas's own loggers. */
  private static final class Latest extends AbstractAppender {
    private final Consumer<String> latest;

    Latest(Consumer<String> latest) {
      super("latest", null, null, true, Property.EMPTY_ARRAY);
      this.latest = latest;
    }

    @Override
    public void append(LogEvent event) {
      if (event.getLevel() == Level.INFO) {
        latest.accept(event.getMessage().getFormattedMessage());
      }
    }
  }
}
