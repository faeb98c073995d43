package dev.coffer.node.net;

import java.time.Duration;
import java.util.Properties;

/**
 * What the client port lets clients hold on this node; see docs/operations.md, "Limits".
 *
 * @param maxFrameBytes largest request frame (body, without its 4-byte length)
 * @param memoryBytes node-wide budget for requests and replies in flight (see {@link ByteBudget})
 * @param connectionBytes what one connection may hold in flight before it is no longer read;
 *     one request is always admitted on a connection that holds nothing
 * @param maxConnections open client connections; more are refused with OVERLOADED
 * @param fileDescriptorReserve descriptors kept free for storage and Raft: connections are
 *     refused once fewer than this are left
 * @param idleTimeout a connection with nothing in flight and no traffic for this long is closed
 * @param frameTimeout a frame must arrive within this, plus one second per MiB of its length
 */
public record ClientLimits(int maxFrameBytes, long memoryBytes, long connectionBytes, int maxConnections,
    int fileDescriptorReserve, Duration idleTimeout, Duration frameTimeout) {

  /** Requests one connection may have in flight before it is no longer read, whatever their size. */
  static final int MAX_REQUESTS_PER_CONNECTION = 512;
  /** Frames up to this size may use the whole memory budget; larger ones only part of it. */
  static final int SMALL_FRAME_BYTES = 64 << 10;

  public ClientLimits {
    if (memoryBytes / 4 * 3 < maxFrameBytes) {
      throw new IllegalArgumentException("client.memory.bytes (" + memoryBytes + ") must be at least 4/3 of the "
          + "largest frame (" + maxFrameBytes + " bytes): large requests may use three quarters of it");
    }
  }

  /**
   * The client.* settings of a node's configuration. The memory budget defaults to an eighth of
   * the heap (every byte of a request is held about four times over on its way into the log:
   * socket buffer, parsed request, log entry, Raft's copy), and to at least two largest frames.
   */
  public static ClientLimits fromProperties(Properties p, int maxFrameBytes) {
    long memory = longValue(p, "client.memory.bytes",
        Math.max(Runtime.getRuntime().maxMemory() / 8, 2L * maxFrameBytes));
    return new ClientLimits(maxFrameBytes, memory,
        longValue(p, "client.connection.bytes", Math.max(1L << 20, memory / 4)),
        (int) longValue(p, "client.max.connections", 1024),
        (int) longValue(p, "client.fd.reserve", 512),
        Duration.ofMillis(longValue(p, "client.idle.timeout.ms", 300_000)),
        Duration.ofMillis(longValue(p, "client.frame.timeout.ms", 30_000)));
  }

  private static long longValue(Properties p, String key, long defaultValue) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n <= 0 || n > Integer.MAX_VALUE && !key.endsWith(".bytes")) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a positive integer, got '" + v + "'");
    }
  }

  /**
   * How full the node's budget may be for a frame of {@code length} bytes to be admitted. Large
   * frames may fill only three quarters of it, so that clients sending (or trickling) big values
   * can never hold back the small requests of everyone else.
   */
  long ceilingFor(long length) {
    return length <= SMALL_FRAME_BYTES ? memoryBytes : memoryBytes / 4 * 3;
  }

  /** How long a frame of {@code length} bytes may take to arrive. */
  Duration frameDeadline(long length) {
    return frameTimeout.plusSeconds(length >> 20);
  }
}
