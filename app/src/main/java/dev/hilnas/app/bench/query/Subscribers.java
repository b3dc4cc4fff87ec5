package dev.hilnas.app.bench.query;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event-stream subscribers on plain non-blocking sockets, all read by one thread: so the bench side
 * holds no thread per subscriber either. Each counts the {@code frontier} events it receives and
 * notices when the server ends its stream.
 */
public final class Subscribers implements AutoCloseable {

  static final String THREAD_NAME = "bench-query-subscribers";

  private static final byte[] CONNECTED = ": connected".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "event: frontier".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EOL = {'\r', '\n'};

  /** Longest a pattern may straddle two reads by: the tail of one read kept for the next. */
  static final int CARRY = Math.max(CONNECTED.length, EVENT.length) - 1;

  /**
   * One subscriber's stream so far. Counted on the bytes as read, allocating nothing per read: the
   * bench's own garbage collections would stall its clients and count in the latencies it reports.
   */
  static final class Stream {
    final int wantsAll;
    final byte[] carry = new byte[CARRY];
    int carried;
    String status;
    boolean connected;
    boolean ended;
    long events;

    Stream(boolean wantsAll) {
      this.wantsAll = wantsAll ? 1 : 0;
    }

    /**
     * Counts what a read brings, in {@code scratch} after room for the carried tail.
     *
     * @param scratch {@link #CARRY} bytes of room, then the {@code n} bytes read
     */
    void take(byte[] scratch, int n) {
      int from = CARRY - carried;
      System.arraycopy(carry, 0, scratch, from, carried);
      int to = CARRY + n;
      if (status == null) { // the first read: a status line comes whole in its first packet
        int eol = indexOf(scratch, from, to, EOL);
        status =
            new String(scratch, from, (eol < 0 ? to : eol) - from, StandardCharsets.ISO_8859_1);
      }
      if (!connected && indexOf(scratch, from, to, CONNECTED) >= 0) {
        connected = true;
      }
      for (int at = indexOf(scratch, from, to, EVENT);
          at >= 0;
          at = indexOf(scratch, at + 1, to, EVENT)) {
        events++;
      }
      carried = Math.min(CARRY, to - from);
      System.arraycopy(scratch, to - carried, carry, 0, carried);
    }

    private static int indexOf(byte[] in, int from, int to, byte[] pattern) {
      outer:
      for (int i = from; i <= to - pattern.length; i++) {
        for (int j = 0; j < pattern.length; j++) {
          if (in[i + j] != pattern[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }

  private final Selector selector;
  private final List<Stream> streams = new ArrayList<>();
  private final AtomicLong bytes = new AtomicLong();
  private final Thread reader;
  private volatile boolean running = true;

  /**
   * Connects one subscriber per path and reads them all until closed.
   *
   * @param paths request paths, {@code /api/v1/stream/frontiers?..}
   */
  Subscribers(InetSocketAddress server, List<String> paths) throws IOException {
    selector = Selector.open();
    for (String path : paths) {
      SocketChannel channel = SocketChannel.open(server);
      channel.write(
          ByteBuffer.wrap(
              ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII)));
      channel.configureBlocking(false);
      Stream s = new Stream(!path.contains("?"));
      synchronized (streams) {
        streams.add(s);
      }
      channel.register(selector, SelectionKey.OP_READ, s);
    }
    reader = new Thread(this::read, THREAD_NAME);
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(64 << 10);
    byte[] scratch = new byte[CARRY + (64 << 10)];
    while (running) {
      try {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Stream s = (Stream) key.attachment();
          SocketChannel channel = (SocketChannel) key.channel();
          buffer.clear();
          int n;
          try {
            n = channel.read(buffer);
          } catch (IOException e) {
            n = -1;
          }
          synchronized (streams) {
            if (n < 0) {
              s.ended = true;
              key.cancel();
              channel.close();
            } else {
              buffer.flip();
              buffer.get(scratch, CARRY, n);
              bytes.addAndGet(n);
              s.take(scratch, n);
            }
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException e) {
        throw new IllegalStateException("reading the event streams failed", e);
      }
    }
  }

  /** What the subscribers have seen so far. */
  public record Tally(
      int subscribers,
      int connected,
      int refused,
      int ended,
      long events,
      long eventsOfAllSubscribers,
      int allSubscribers,
      long bytes) {}

  Tally tally() {
    synchronized (streams) {
      int connected = 0;
      int refused = 0;
      int ended = 0;
      int all = 0;
      long events = 0;
      long eventsOfAll = 0;
      for (Stream s : streams) {
        connected += s.connected ? 1 : 0;
        refused += s.status != null && !s.status.startsWith("HTTP/1.1 200") ? 1 : 0;
        ended += s.ended ? 1 : 0;
        events += s.events;
        all += s.wantsAll;
        eventsOfAll += s.wantsAll * s.events;
      }
      return new Tally(
          streams.size(), connected, refused, ended, events, eventsOfAll, all, bytes.get());
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    running = false;
    reader.join(5_000);
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }
}
