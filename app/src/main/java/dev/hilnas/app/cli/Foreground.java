package dev.hilnas.app.cli;

/** Runs a worker loop on its own thread until Ctrl-C, which stops it and waits for it to finish. */
final class Foreground {
  private Foreground() {}

  static void run(String name, Runnable loop, Runnable stop) throws InterruptedException {
    Thread thread = new Thread(loop, name);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.run();
                  try {
                    thread.join(60_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                name + "-shutdown"));
    thread.start();
    thread.join();
  }
}
