package dev.coffer.node.testing;

import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;

/**
 * A plain blocking socket speaking the wire format byte by byte, so tests can send what no
 * well-behaved client would: broken frames, oversized lengths, unknown fields.
 */
public final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  public RawConnection(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    socket = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  public Response call(Request request) throws IOException {
    send(request);
    return read();
  }

  public void send(Request request) throws IOException {
    sendFrame(request.toByteArray());
  }

  public void sendFrame(byte[] body) throws IOException {
    out.writeInt(body.length);
    out.write(body);
    out.flush();
  }

  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public Response read() throws IOException {
    int length = in.readInt();
    byte[] body = new byte[length];
    in.readFully(body);
    return Response.parseFrom(body);
  }

  /** True when the node closed the connection (reads hit end of stream). */
  public boolean closedByPeer() throws IOException {
    try {
      return in.read() == -1;
    } catch (EOFException e) {
      return true;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  /** The next reply if one arrives within {@code wait}; empty if none does (or the connection closes first). */
  public java.util.Optional<Response> readWithin(java.time.Duration wait) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
    try {
      return java.util.Optional.of(read());
    } catch (java.net.SocketTimeoutException | EOFException e) {
      return java.util.Optional.empty();
    } finally {
      socket.setSoTimeout(before);
    }
  }

  /** True if the node closes the connection within {@code wait} (with nothing sent to read meanwhile). */
  public boolean isClosedWithin(java.time.Duration wait) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
    try {
      return in.read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true;
    } finally {
      socket.setSoTimeout(before);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
