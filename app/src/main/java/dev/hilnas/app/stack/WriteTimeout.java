package dev.hilnas.app.stack;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off a client that stops reading its response, which the JDK server lets block a thread for
 * as long as the client keeps the connection open. The server writes through blocking socket
 * channels, and interrupting a thread blocked in a channel write closes the channel ({@link
 * java.nio.channels.InterruptibleChannel}): so a write that has made no progress for the timeout is
 * interrupted, the connection closes, and the thread is free again. Responses go out in slices,
 * each with its own deadline, so a long answer to a slow client that does read is not cut off.
 */
final class WriteTimeout extends Filter implements AutoCloseable {

  private static final int SLICE = 64 << 10;

  private final long timeoutNanos;
  private final ScheduledThreadPoolExecutor timer;

  WriteTimeout(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "http-write-timeout");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true); // met deadlines, nearly all of them, leave at once
  }

  @Override
  public void doFilter(HttpExchange ex, Chain chain) throws IOException {
    ex.setStreams(null, new Guarded(ex.getResponseBody()));
    chain.doFilter(ex);
  }

  @Override
  public String description() {
    return "closes a connection whose response write makes no progress for "
        + Duration.ofNanos(timeoutNanos);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private interface Write {
    void run() throws IOException;
  }

  private void guard(Write write) throws IOException {
    Deadline deadline = new Deadline(Thread.currentThread());
    ScheduledFuture<?> alarm = timer.schedule(deadline::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    try {
      write.run();
    } finally {
      alarm.cancel(false);
      deadline.finish();
    }
  }

  /** One write's deadline: it interrupts the writing thread only while that write is under way. */
  private static final class Deadline {
    private final Thread thread;
    private boolean done;
    private boolean expired;

    Deadline(Thread thread) {
      this.thread = thread;
    }

    synchronized void expire() {
      if (!done) {
        expired = true;
        thread.interrupt();
      }
    }

    synchronized void finish() {
      done = true;
      if (expired) {
        Thread.interrupted(); // the interrupt was for this write alone, not the thread's next task
      }
    }
  }

  private final class Guarded extends FilterOutputStream {
    Guarded(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      guard(() -> out.write(b));
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int done = 0; done < len; done += SLICE) {
        int from = off + done;
        int n = Math.min(SLICE, len - done);
        guard(() -> out.write(b, from, n));
      }
    }

    @Override
    public void flush() throws IOException {
      guard(out::flush);
    }

    @Override
    public void close() throws IOException {
      guard(out::close);
    }
  }
}
