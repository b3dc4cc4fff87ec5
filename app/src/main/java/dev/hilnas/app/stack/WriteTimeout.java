package dev.hilnas.app.stack;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off a client that stops reading its response, which the JDK server lets block a thread for
 * as long as the client keeps the connection open. The server writes through blocking socket
 * channels, and interrupting a thread blocked in a channel write closes the channel ({@link
 * java.nio.channels.InterruptibleChannel}): so a write that has made no progress for the timeout is
 * interrupted, the connection closes, and the thread is free again. Responses go out in slices,
 * each with its own deadline, so a long answer to a slow client that does read is not cut off.
 *
 * <p>A write only notes on its thread's {@link Watch} when it started; one timer looks over the
 * watches {@value #CHECKS_PER_TIMEOUT} times per timeout, so a write is cut off after between one
 * and 1 + 1/{@value #CHECKS_PER_TIMEOUT} timeouts. A timer task per write, scheduled and cancelled
 * on a queue every request thread shares, took 2.4% of the request threads' time (bench query).
 */
final class WriteTimeout extends Filter implements AutoCloseable {

  private static final int SLICE = 64 << 10;
  static final int CHECKS_PER_TIMEOUT = 4;

  private final long timeoutNanos;
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Watch> watch =
      ThreadLocal.withInitial(
          () -> {
            Watch w = new Watch(Thread.currentThread());
            watches.add(w);
            return w;
          });
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
    long every = Math.max(1, timeoutNanos / CHECKS_PER_TIMEOUT);
    timer.scheduleWithFixedDelay(this::expireOverdue, every, every, TimeUnit.NANOSECONDS);
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
    Watch w = watch.get();
    w.start(System.nanoTime());
    try {
      write.run();
    } finally {
      w.finish();
    }
  }

  private void expireOverdue() {
    long now = System.nanoTime();
    for (Watch w : watches) {
      if (!w.thread.isAlive()) {
        watches.remove(w); // a thread that wrote once and ended: nothing of its is under way
      } else {
        w.expireIfStartedBefore(now - timeoutNanos);
      }
    }
  }

  /** A thread's write under way, if any: it interrupts the thread only while that write is. */
  private static final class Watch {
    private final Thread thread;
    private boolean writing;
    private long since;
    private boolean expired;

    Watch(Thread thread) {
      this.thread = thread;
    }

    synchronized void start(long now) {
      writing = true;
      since = now;
    }

    synchronized void expireIfStartedBefore(long deadline) {
      if (writing && !expired && since - deadline < 0) {
        expired = true;
        thread.interrupt();
      }
    }

    synchronized void finish() {
      writing = false;
      if (expired) {
        expired = false;
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
