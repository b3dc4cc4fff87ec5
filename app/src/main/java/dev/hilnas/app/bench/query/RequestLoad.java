package dev.hilnas.app.bench.query;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * HTTP/1.1 clients on plain keep-alive sockets, one thread each, that send a weighted mix of
 * prepared requests for as long as they run: as fast as answers come back (closed loop), or each at
 * a fixed rate, its latency then counted from when the request was due rather than sent (so a stall
 * is not hidden by the requests it held back). A plain socket and a prepared request keep the
 * client's own work per request to a write, a header parse and a skip of the body.
 *
 * <p>What the clients record goes to the {@link Window} set at the time, none between windows.
 */
final class RequestLoad implements AutoCloseable {

  /** A prepared request, whole bytes on the wire, and the kind it is counted under. */
  record Request(int kind, byte[] bytes) {
    static Request get(int kind, String path) {
      return new Request(
          kind,
          ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
    }

    static Request post(int kind, String path, String json) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      byte[] head =
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      byte[] out = Arrays.copyOf(head, head.length + body.length);
      System.arraycopy(body, 0, out, head.length, body.length);
      return new Request(kind, out);
    }
  }

  /** Latencies (ns) and errors per kind of each client, for one measured interval. */
  static final class Window {
    final long[][][] latencies; // [client][kind] -> growable, count in counts
    final int[][] counts;
    final long[][] errors;

    Window(int clients, int kinds) {
      latencies = new long[clients][kinds][];
      counts = new int[clients][kinds];
      errors = new long[clients][kinds];
      for (long[][] c : latencies) {
        for (int k = 0; k < kinds; k++) {
          c[k] = new long[1024];
        }
      }
    }

    private volatile boolean closed;

    /** What clients finish from now on is not counted here; what they have is final. */
    void close() {
      closed = true;
      for (int[] c : counts) {
        synchronized (c) {
          // nothing to do: taking the lock waits for a record under way
        }
      }
    }

    /** A client's answered request; one client's lock, so only {@link #close} ever waits on it. */
    void record(int client, int kind, long nanos) {
      synchronized (counts[client]) {
        if (!closed) {
          add(client, kind, nanos);
        }
      }
    }

    void error(int client, int kind) {
      synchronized (counts[client]) {
        if (!closed) {
          errors[client][kind]++;
        }
      }
    }

    private void add(int client, int kind, long nanos) {
      long[] l = latencies[client][kind];
      int n = counts[client][kind];
      if (n == l.length) {
        l = Arrays.copyOf(l, n * 2);
        latencies[client][kind] = l;
      }
      l[n] = nanos;
      counts[client][kind] = n + 1;
    }

    /** One kind's latencies of all clients, sorted (ns). */
    long[] sorted(int kind) {
      int total = 0;
      for (int[] c : counts) {
        total += c[kind];
      }
      long[] out = new long[total];
      int at = 0;
      for (int c = 0; c < counts.length; c++) {
        System.arraycopy(latencies[c][kind], 0, out, at, counts[c][kind]);
        at += counts[c][kind];
      }
      Arrays.sort(out);
      return out;
    }

    long errors(int kind) {
      long n = 0;
      for (long[] e : errors) {
        n += e[kind];
      }
      return n;
    }
  }

  static final String THREAD_PREFIX = "bench-query-client-";

  private final InetSocketAddress server;
  private final List<Request> mix;
  private final long intervalNanos;
  private final List<Thread> threads = new ArrayList<>();
  private volatile Window window;
  private volatile boolean running = true;

  /**
   * @param mix the requests to choose from, uniformly: repeat one to weigh it more
   * @param perClientRate requests per second per client; 0 for closed loop
   */
  RequestLoad(InetSocketAddress server, int clients, List<Request> mix, double perClientRate) {
    this.server = server;
    this.mix = List.copyOf(mix);
    this.intervalNanos = perClientRate > 0 ? (long) (1e9 / perClientRate) : 0;
    for (int i = 0; i < clients; i++) {
      int client = i;
      Thread t = new Thread(() -> run(client), THREAD_PREFIX + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /** From now on clients record into {@code w}; null: they record nothing. */
  void measure(Window w) {
    window = w;
  }

  List<Thread> threads() {
    return threads;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  private void run(int client) {
    SplittableRandom random = new SplittableRandom(client);
    Connection connection = null;
    long due = System.nanoTime() + random.nextLong(Math.max(1, intervalNanos));
    while (running) {
      Request r = mix.get(random.nextInt(mix.size()));
      long start;
      if (intervalNanos > 0) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        start = due;
        due += intervalNanos;
      } else {
        start = System.nanoTime();
      }
      Window w = window;
      try {
        if (connection == null) {
          connection = new Connection(server);
        }
        int status = connection.exchange(r.bytes());
        long took = System.nanoTime() - start;
        if (connection.dead) {
          connection = null; // the server said it closes it
        }
        if (w != null) {
          if (status == 200) {
            w.record(client, r.kind(), took);
          } else {
            w.error(client, r.kind());
          }
        }
      } catch (IOException e) {
        if (w != null) {
          w.error(client, r.kind());
        }
        if (connection != null) {
          connection.close();
          connection = null;
        }
      }
    }
    if (connection != null) {
      connection.close();
    }
  }

  /** One keep-alive connection: a request written whole, a response read by its length. */
  private static final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final StringBuilder line = new StringBuilder();
    private final byte[] skip = new byte[16 << 10];
    private boolean dead;

    Connection(InetSocketAddress server) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(server, 10_000);
      socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(30));
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
    }

    /** Sends a request and reads its whole response; returns its status. */
    int exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String status = readLine();
      if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
        throw new IOException("not an HTTP/1.1 status line: " + status);
      }
      int code = Integer.parseInt(status.substring(9, 12));
      long length = -1;
      boolean close = false;
      for (String h = readLine(); !h.isEmpty(); h = readLine()) {
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon).trim();
        String value = colon < 0 ? "" : h.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
          close = true;
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          throw new IOException("a chunked answer; the bench reads fixed-length ones only");
        }
      }
      if (length < 0) {
        throw new IOException("an answer without Content-Length");
      }
      for (long left = length; left > 0; ) {
        int n = in.read(skip, 0, (int) Math.min(skip.length, left));
        if (n < 0) {
          throw new EOFException("the body ended early");
        }
        left -= n;
      }
      if (close) {
        dead = true;
        socket.close();
      }
      return code;
    }

    private String readLine() throws IOException {
      line.setLength(0);
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("the connection closed");
        }
        if (b == '\n') {
          int end = line.length();
          if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
          }
          return line.toString();
        }
        line.append((char) b);
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
