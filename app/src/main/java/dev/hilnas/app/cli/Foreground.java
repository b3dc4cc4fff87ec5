package dev.hilnas.app.cli;

/**
 * Runs a worker loop on its own thread until Ctrl-C (or SIGTERM), which stops it, says so, and
 * waits for it to finish what it is doing: an agent's candidate is measured and published first.
 */
final class Foreground {
  /** How long a stop waits for the current work. */
  private static final long STOP_WAIT_MS = 60_000;

  private Foreground() {}

  static void run(String name, Runnable loop, Runnable stop) throws InterruptedException {
    Thread thread = new Thread(loop, name);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!thread.isAlive()) {
                    return; // it ended by itself, and said why
                  }
                  say("hilnas " + name + ": stopping");
                  stop.run();
                  try {
                    thread.join(STOP_WAIT_MS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  if (thread.isAlive()) {
                    say(
                        "hilnas "
                            + name
                            + ": stopped after "
                            + STOP_WAIT_MS / 1000
                            + " s without finishing its current request, which is taken again at"
                            + " the next start");
                  }
                },
                name + "-shutdown"));
    thread.start();
    thread.join();
  }

  /** A line of its own, also where a status line is drawn in place on a terminal. */
  private static void say(String line) {
    System.err.println((StatusLine.terminal() ? "\r\u001b[K" : "") + line);
  }
}
