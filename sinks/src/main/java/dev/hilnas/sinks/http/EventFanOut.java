package dev.hilnas.sinks.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent-event subscribers served by a fixed set of writer threads, however many subscribers
 * there are: a subscriber is an open exchange and a bounded queue of encoded events; publishing
 * queues the same bytes on every subscriber that wants them and never blocks; a writer drains one
 * subscriber's queue at a time. Thread-safe.
 *
 * <p>A subscriber that cannot keep up is dropped, so it never delays the others for long: when its
 * queue is full (it is {@code backlog} events behind) the writer blocked on it is interrupted,
 * which closes its connection ({@link java.nio.channels.InterruptibleChannel}); a write that makes
 * no progress at all is also cut off by the server's write timeout. Until then it holds one writer;
 * the other writers serve everyone else. A subscriber that has had nothing for {@code heartbeat}
 * gets a comment, so connections closed by the client are found.
 *
 * @param <T> what an event is about, which subscribers choose by
 */
final class EventFanOut<T> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventFanOut.class);

  private static final byte[] CONNECTED = ": connected\n\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

  private final int maxSubscribers;
  private final int backlog;
  private final long heartbeatNanos;
  private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicInteger slots = new AtomicInteger();
  private final AtomicInteger fellBehind = new AtomicInteger();
  private final ScheduledThreadPoolExecutor writers;

  /**
   * @param name the writer threads are {@code name-1} .. {@code name-writers}
   * @param maxSubscribers subscribers at once; {@link #add} refuses one more
   * @param writers threads that write to subscribers, all of them together
   * @param backlog events a subscriber may fall behind before it is dropped
   * @param heartbeat how long a subscriber may go without a write before it gets a comment
   */
  EventFanOut(String name, int maxSubscribers, int writers, int backlog, Duration heartbeat) {
    if (maxSubscribers < 1 || writers < 1 || backlog < 1) {
      throw new IllegalArgumentException(
          "subscribers, writers and backlog must be at least 1, got "
              + maxSubscribers
              + ", "
              + writers
              + ", "
              + backlog);
    }
    this.maxSubscribers = maxSubscribers;
    this.backlog = backlog;
    this.heartbeatNanos = heartbeat.toNanos();
    AtomicInteger n = new AtomicInteger();
    this.writers =
        new ScheduledThreadPoolExecutor(
            writers,
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.writers.prestartAllCoreThreads(); // a fixed set: as many threads now as ever
    this.writers.scheduleWithFixedDelay(
        this::heartbeat, heartbeatNanos, heartbeatNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Takes over an exchange as a subscriber: a writer sends the response headers and {@code :
   * connected}, then every event it {@code wants}. The caller's thread returns at once.
   *
   * @return false, with the exchange untouched, when there are {@code maxSubscribers} already
   */
  boolean add(HttpExchange ex, Predicate<T> wants) {
    int taken;
    do {
      taken = slots.get();
      if (taken >= maxSubscribers) {
        return false;
      }
    } while (!slots.compareAndSet(taken, taken + 1));
    Subscriber s = new Subscriber(ex, wants);
    subscribers.add(s);
    schedule(s);
    return true;
  }

  /**
   * Queues the event on every subscriber that wants it; never blocks. It is encoded once, and only
   * when one does: rendering every frontier update of thousands of points as JSON, with nobody
   * subscribed, took 37% of the embedded stack's CPU samples in a benchmark.
   */
  void publish(T about, Supplier<byte[]> event) {
    byte[] encoded = null;
    for (Subscriber s : subscribers) {
      if (s.wants.test(about)) {
        if (encoded == null) {
          encoded = event.get();
        }
        offer(s, encoded);
      }
    }
  }

  /** Subscribers now connected. */
  int subscribers() {
    return slots.get();
  }

  /** Subscribers dropped so far for falling {@code backlog} events behind. */
  int fellBehind() {
    return fellBehind.get();
  }

  @Override
  public void close() {
    writers.shutdownNow();
  }

  private void offer(Subscriber s, byte[] event) {
    if (s.queued.incrementAndGet() > backlog) {
      s.queued.decrementAndGet();
      if (drop(s)) {
        fellBehind.incrementAndGet();
      }
    } else {
      s.events.add(event);
    }
    schedule(s);
  }

  private void heartbeat() {
    long now = System.nanoTime();
    for (Subscriber s : subscribers) {
      if (now - s.lastWrite >= heartbeatNanos && s.queued.get() == 0) {
        offer(s, HEARTBEAT);
      }
    }
  }

  private void schedule(Subscriber s) {
    if (s.scheduled.compareAndSet(false, true)) {
      try {
        writers.execute(() -> drain(s));
      } catch (RejectedExecutionException e) {
        s.scheduled.set(false); // closed
      }
    }
  }

  /**
   * Marks a subscriber to go and interrupts a write to it under way, so the writer is free now.
   *
   * @return whether it was still there to drop
   */
  private boolean drop(Subscriber s) {
    synchronized (s) {
      if (s.dropped) {
        return false;
      }
      s.dropped = true;
      if (s.writing != null) {
        s.writing.interrupt();
      }
      return true;
    }
  }

  /** Writes what a subscriber has queued; one writer at a time per subscriber. */
  private void drain(Subscriber s) {
    try {
      while (true) {
        if (s.dropped) {
          end(s);
          return;
        }
        if (!s.opened) {
          write(s, null);
          continue;
        }
        byte[] event = s.events.poll();
        if (event == null) {
          s.scheduled.set(false);
          // an offer or a drop between the poll and here found it scheduled: look again
          if ((s.events.isEmpty() && !s.dropped) || !s.scheduled.compareAndSet(false, true)) {
            return;
          }
          continue;
        }
        s.queued.decrementAndGet();
        write(s, event);
      }
    } catch (IOException e) {
      drop(s); // the client went away, or the write was cut off
      end(s);
    } catch (RuntimeException e) {
      log.error("event stream to {} failed", s.ex.getRemoteAddress(), e);
      drop(s);
      end(s);
    }
  }

  /**
   * One write, which {@link #drop} may interrupt; flushed once nothing else is queued, so a
   * subscriber that is behind gets its events in one go. {@code event} null opens the stream.
   */
  private void write(Subscriber s, byte[] event) throws IOException {
    synchronized (s) {
      if (s.dropped) {
        throw new IOException("dropped");
      }
      s.writing = Thread.currentThread();
    }
    try {
      if (event == null) {
        s.ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        s.ex.getResponseHeaders().set("Cache-Control", "no-cache");
        s.ex.sendResponseHeaders(200, 0);
        s.out = s.ex.getResponseBody();
        s.out.write(CONNECTED);
        s.opened = true;
      } else {
        s.out.write(event);
      }
      if (s.events.isEmpty()) {
        s.out.flush();
      }
      s.lastWrite = System.nanoTime();
    } finally {
      synchronized (s) {
        s.writing = null;
      }
      if (s.dropped) {
        Thread.interrupted(); // drop's interrupt was for that write, not for this thread's next
      }
    }
  }

  /**
   * Ends a dropped subscriber's response without waiting on it: with the interrupt flag set, the
   * server's last write to the connection closes it instead of blocking on a client that does not
   * read, and the server still learns that the exchange is over.
   */
  private void end(Subscriber s) {
    if (!s.ended.compareAndSet(false, true)) {
      return;
    }
    subscribers.remove(s);
    slots.decrementAndGet();
    s.events.clear();
    Thread.currentThread().interrupt();
    try {
      s.ex.close();
    } finally {
      Thread.interrupted();
    }
  }

  private final class Subscriber {
    final HttpExchange ex;
    final Predicate<T> wants;
    final Queue<byte[]> events = new ConcurrentLinkedQueue<>();
    final AtomicInteger queued = new AtomicInteger();
    final AtomicBoolean scheduled = new AtomicBoolean();
    final AtomicBoolean ended = new AtomicBoolean();
    volatile boolean dropped;
    volatile long lastWrite = System.nanoTime();
    Thread writing; // guarded by this
    // written by one drain at a time; the scheduled flag's handover orders them
    boolean opened;
    OutputStream out;

    Subscriber(HttpExchange ex, Predicate<T> wants) {
      this.ex = ex;
      this.wants = wants;
    }
  }
}
