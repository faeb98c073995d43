package dev.coffer.node.net;

import dev.coffer.client.TlsMaterial;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one client connection holds on the node: the bytes of its requests in flight and of its
 * replies not yet written, charged to the connection and to the node's {@link ByteBudget}. The
 * connection stops being read while it holds too much, has too many requests in flight, cannot
 * take more replies (the client does not read), or waits for the node's budget — for whichever
 * of these reasons, until all of them are gone.
 */
final class ConnectionBudget implements RequestContext {
  /** Why the connection is not being read; a bit each. */
  static final int TOO_MANY_REQUESTS = 1;
  static final int NOT_WRITABLE = 2;
  static final int WAITING_FOR_BUDGET = 4;

  private final Channel channel;
  private final ByteBudget node;
  private final ClientLimits limits;
  private long bytes; // guarded by this
  private boolean closed; // guarded by this: a closed connection holds nothing
  private int requests; // event loop only
  private int pausedFor; // event loop only
  private volatile Runnable onRelease = () -> { };
  private final AtomicBoolean maintenance = new AtomicBoolean();

  private volatile Optional<String> principal;

  /** The CN of the certificate the client presented in the TLS handshake (which precedes every request). */
  @Override
  public Optional<String> principal() {
    Optional<String> known = principal;
    if (known == null) {
      SslHandler tls = channel.pipeline().get(SslHandler.class);
      known = Optional.empty();
      if (tls != null) {
        try {
          known = Optional.of(TlsMaterial.commonName(tls.engine().getSession().getPeerPrincipal()));
        } catch (SSLPeerUnverifiedException e) {
          known = Optional.of(""); // TLS without a verified peer: a principal no grant names
        }
      }
      principal = known;
    }
    return known;
  }

  ConnectionBudget(Channel channel, ByteBudget node, ClientLimits limits) {
    this.channel = channel;
    this.node = node;
    this.limits = limits;
  }

  /**
   * Reserves room for a request frame of {@code length} bytes, from this connection's share and
   * from the node's budget. A connection holding nothing may always read one frame.
   */
  synchronized boolean tryReserve(long length) {
    if (closed || bytes > 0 && bytes + length > limits.connectionBytes()) {
      return false;
    }
    if (!node.tryReserve(length, limits.ceilingFor(length))) {
      return false;
    }
    bytes += length;
    return true;
  }

  /** Whether the last failed {@link #tryReserve} was for lack of node budget (not this connection's share). */
  synchronized boolean connectionHasRoomFor(long length) {
    return bytes == 0 || bytes + length <= limits.connectionBytes();
  }

  ByteBudget node() {
    return node;
  }

  /** Counts a reply that has been built and is about to be written. */
  synchronized void chargeReply(long length) {
    if (!closed) {
      node.charge(length);
      bytes += length;
    }
  }

  /** Bytes of a request or a reply that are no longer held (answered, written, or dropped). */
  void release(long length) {
    synchronized (this) {
      if (closed) {
        return; // released with everything else when the connection closed
      }
      bytes -= length;
      node.release(length);
    }
    onRelease.run();
  }

  /**
   * The connection is closed: everything it held goes back to the node at once, though requests
   * still being worked on (a digest waiting for its index, say) finish later.
   */
  synchronized void closed() {
    if (!closed) {
      closed = true;
      node.release(bytes);
      bytes = 0;
    }
  }

  /** Told whenever this connection releases bytes (the decoder retries a frame it could not admit). */
  void onRelease(Runnable action) {
    this.onRelease = action;
  }

  @Override
  public synchronized boolean hasRoomForReply() {
    return bytes <= limits.connectionBytes() && node.hasRoom();
  }

  @Override
  public boolean clientGone() {
    return !channel.isActive();
  }

  @Override
  public boolean tryBeginMaintenance() {
    return maintenance.compareAndSet(false, true);
  }

  @Override
  public void endMaintenance() {
    maintenance.set(false);
  }

  synchronized long bytesHeld() {
    return bytes;
  }

  // ---- the rest runs on the channel's event loop

  void requestStarted() {
    if (++requests >= ClientLimits.MAX_REQUESTS_PER_CONNECTION) {
      pause(TOO_MANY_REQUESTS);
    }
  }

  void requestAnswered() {
    if (--requests < ClientLimits.MAX_REQUESTS_PER_CONNECTION / 2) {
      resume(TOO_MANY_REQUESTS);
    }
  }

  int requestsInFlight() {
    return requests;
  }

  void pause(int reason) {
    pausedFor |= reason;
    channel.config().setAutoRead(false);
  }

  void resume(int reason) {
    if ((pausedFor & reason) == 0) {
      return;
    }
    pausedFor &= ~reason;
    if (pausedFor == 0) {
      channel.config().setAutoRead(true);
      channel.read();
    }
  }

  boolean pausedFor(int reason) {
    return (pausedFor & reason) != 0;
  }
}
