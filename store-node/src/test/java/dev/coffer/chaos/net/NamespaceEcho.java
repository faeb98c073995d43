package dev.coffer.chaos.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A tiny TCP echo for reachability checks, run inside a namespace with {@code ip netns exec}:
 * {@code listen HOST PORT} prints {@code listening PID} and echoes one byte per connection forever;
 * {@code probe HOST PORT} exits 0 if a byte sent there comes back within 2 s, 1 otherwise.
 */
public final class NamespaceEcho {
  static final int PROBE_TIMEOUT_MILLIS = 2000;

  private NamespaceEcho() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: NamespaceEcho listen|probe HOST PORT");
      System.exit(2);
    }
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
    if (args[0].equals("listen")) {
      listen(address);
    } else {
      System.exit(echoes(address) ? 0 : 1);
    }
  }

  private static void listen(InetSocketAddress address) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(address);
      System.out.println("listening " + ProcessHandle.current().pid());
      System.out.flush();
      while (true) {
        try (Socket c = server.accept()) {
          int b = c.getInputStream().read();
          c.getOutputStream().write(b);
        } catch (IOException e) {
          // one bad connection does not stop the echo
        }
      }
    }
  }

  /** True if one byte sent to {@code address} comes back. */
  static boolean echoes(InetSocketAddress address) {
    try (Socket s = new Socket()) {
      s.connect(address, PROBE_TIMEOUT_MILLIS);
      s.setSoTimeout(PROBE_TIMEOUT_MILLIS);
      s.getOutputStream().write(42);
      InputStream in = s.getInputStream();
      return in.read() == 42;
    } catch (IOException e) {
      System.out.println("probe of " + address + " failed: " + e);
      return false;
    }
  }
}
