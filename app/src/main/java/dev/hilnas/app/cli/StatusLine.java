package dev.hilnas.app.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One line of progress on the console. On a terminal it is redrawn in place each second (carriage
 * return, erase to the end of the line, cut to the terminal's width so it never wraps); elsewhere
 * (a file, a pipe, a CI log) it is printed as a plain line every {@code every}, when it changed.
 * Thread-safe; {@link #close} leaves the last status on its own line.
 */
final class StatusLine implements AutoCloseable {
  private static final String ERASE = "\r\u001b[K";

  private final PrintStream out;
  private final Supplier<String> status;
  private final boolean terminal;
  private final int columns;
  private final long start = System.nanoTime();
  private final Thread thread;
  private String last = "";
  private volatile boolean running = true;

  private StatusLine(PrintStream out, Supplier<String> status, Duration every, boolean terminal) {
    this.out = out;
    this.status = status;
    this.terminal = terminal;
    this.columns = columns();
    long pause = terminal ? Math.min(1000, every.toMillis()) : every.toMillis();
    thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  Thread.sleep(Math.max(pause, 1));
                } catch (InterruptedException e) {
                  return;
                }
                draw(false);
              }
            },
            "status-line");
    thread.setDaemon(true);
  }

  static StatusLine start(
      PrintStream out, Supplier<String> status, Duration every, boolean terminal) {
    StatusLine line = new StatusLine(out, status, every, terminal);
    line.thread.start();
    return line;
  }

  /**
   * Whether stderr is a terminal: the launcher knows ({@code -Dhilnas.tty}); without it (a process
   * of {@code cluster up}, a test), whether the JVM's console is a terminal — JDK 22 and later have
   * a console even when redirected, and say so with {@code Console.isTerminal()}.
   */
  static boolean terminal() {
    String tty = System.getProperty("hilnas.tty");
    if (tty != null) {
      return Boolean.parseBoolean(tty);
    }
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 17-21: a console is a terminal
    }
  }

  /** The terminal's width: the launcher's {@code -Dhilnas.columns}, else $COLUMNS, else 120. */
  static int columns() {
    String c = System.getProperty("hilnas.columns", System.getenv("COLUMNS"));
    try {
      return c == null || c.isBlank() ? 120 : Math.max(20, Integer.parseInt(c.trim()));
    } catch (NumberFormatException e) {
      return 120;
    }
  }

  /** The status with the time since start, {@code [1:05] …}. */
  String render() {
    long s = (System.nanoTime() - start) / 1_000_000_000;
    String text;
    try {
      text = status.get();
    } catch (RuntimeException e) {
      text = "status unavailable: " + e.getMessage();
    }
    return String.format("[%d:%02d] %s", s / 60, s % 60, text);
  }

  private synchronized void draw(boolean end) {
    String line = render();
    if (terminal) {
      String cut = line.length() >= columns ? line.substring(0, columns - 2) + "…" : line;
      out.print(ERASE + cut + (end ? System.lineSeparator() : ""));
      out.flush();
    } else {
      // the time alone changing is no news on a log that is kept
      String news = line.substring(line.indexOf(']') + 1);
      if (!news.equals(last)) {
        out.println(line);
      }
      last = news;
    }
  }

  /** A message of its own line above the status line (which is redrawn below it on a terminal). */
  synchronized void say(String message) {
    out.print((terminal ? ERASE : "") + message + System.lineSeparator());
    if (terminal) {
      draw(false);
    }
    out.flush();
  }

  /** Stops redrawing and leaves the last status on a line of its own. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    draw(true);
  }
}
