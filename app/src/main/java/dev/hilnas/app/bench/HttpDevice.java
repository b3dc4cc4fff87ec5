package dev.hilnas.app.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A device's HTTP/1.1 connection, kept open from post to post, as a small device client would: each
 * post goes out in one write and its answer is read to the end. The JDK's HttpClient, shared by the
 * simulated devices, spent more of the benchmark's CPU than the gateway it was measuring, queued on
 * its one selector. Not thread-safe: one per device thread.
 */
final class HttpDevice implements AutoCloseable {

  private final URI uri;
  private Socket socket;
  private InputStream in;

  HttpDevice(URI uri) {
    this.uri = uri;
  }

  /** Posts JSON lines with a bearer token; the answer's status. */
  int post(String token, byte[] body) throws IOException {
    byte[] head =
        ("POST "
                + uri.getRawPath()
                + " HTTP/1.1\r\nHost: "
                + uri.getHost()
                + ":"
                + uri.getPort()
                + "\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    if (socket == null) {
      socket = new Socket(uri.getHost(), uri.getPort());
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
    }
    OutputStream out = socket.getOutputStream();
    out.write(request);
    out.flush();
    return readResponse();
  }

  /** Reads one answer to its end, so that the connection can carry the next post. */
  private int readResponse() throws IOException {
    String status = line();
    int code = Integer.parseInt(status.split(" ", 3)[1]);
    long length = 0;
    boolean close = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      String h = header.toLowerCase(Locale.ROOT);
      if (h.startsWith("content-length:")) {
        length = Long.parseLong(h.substring(15).strip());
      } else if (h.startsWith("connection:") && h.contains("close")) {
        close = true;
      }
    }
    in.skipNBytes(length);
    if (close) {
      close();
    }
    return code;
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the gateway closed the connection mid-answer");
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
      socket = null;
    }
  }
}
