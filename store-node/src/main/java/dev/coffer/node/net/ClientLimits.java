package dev.coffer.node.net;

import java.time.Duration;

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
