package dev.coffer.node.tls;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections refused for their TLS (plain text, an unknown CA, an expired or foreign
 * certificate): expected from misconfigured or hostile clients, so logged as one line, at most
 * one every {@link #LOG_EVERY_NANOS} with the count since, never with a stack trace.
 */
public final class TlsRefusals {
  private static final Logger LOG = LoggerFactory.getLogger(TlsRefusals.class);
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;
  private static final AtomicLong REFUSED = new AtomicLong();
  private static final AtomicLong LAST_LOGGED = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
  private static final AtomicLong SINCE_LOGGED = new AtomicLong();

  private TlsRefusals() {}

  /** Whether {@code cause} is a TLS refusal; if so, it is counted and (rate-limited) logged. */
  public static boolean handled(String port, SocketAddress from, Throwable cause) {
    Throwable tls = cause instanceof SSLException ? cause
        : cause.getCause() instanceof SSLException ? cause.getCause() : null;
    if (tls == null) {
      return false;
    }
    REFUSED.incrementAndGet();
    long unlogged = SINCE_LOGGED.incrementAndGet();
    long now = System.nanoTime();
    long last = LAST_LOGGED.get();
    if (now - last >= LOG_EVERY_NANOS && LAST_LOGGED.compareAndSet(last, now)) {
      SINCE_LOGGED.addAndGet(-unlogged);
      LOG.warn("Refused a connection to the {} port from {}: {} ({} refused since the last such line)", port, from,
          tls.getMessage(), unlogged);
    }
    return true;
  }

  /** Connections refused for their TLS since the node started. */
  public static long count() {
    return REFUSED.get();
  }
}
