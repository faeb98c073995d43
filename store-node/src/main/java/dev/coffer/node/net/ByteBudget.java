package dev.coffer.node.net;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node-wide budget of bytes held for clients: requests being read or waiting for an answer,
 * and replies not yet written to their socket. A request is admitted only once its bytes are
 * reserved here, so a flood of clients can slow the node down but never exhaust its memory.
 */
public final class ByteBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

  public ByteBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("a byte budget must be positive, got " + limit);
    }
    this.limit = limit;
  }

  /** Reserves {@code bytes} if they fit under the limit; false (and nothing reserved) otherwise. */
  public boolean tryReserve(long bytes) {
    return tryReserve(bytes, limit);
  }

  /** Reserves {@code bytes} only if the budget then holds at most {@code ceiling} (≤ the limit). */
  public boolean tryReserve(long bytes, long ceiling) {
    long cap = Math.min(ceiling, limit);
    while (true) {
      long now = used.get();
      if (now + bytes > cap && bytes > 0) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Counts bytes that are already allocated (a reply just built); may go over the limit. */
  public void charge(long bytes) {
    used.addAndGet(bytes);
  }

  public void release(long bytes) {
    used.addAndGet(-bytes);
    wakeWaiters();
  }

  /**
   * Runs {@code retry} once {@code bytes} fit under {@code ceiling} (at once if they fit now). Each
   * waiter is run once; one that then loses a race for the room registers again.
   */
  public void whenRoom(long bytes, long ceiling, Runnable retry) {
    waiters.add(new Waiter(bytes, Math.min(ceiling, limit), retry));
    wakeWaiters();
  }

  /** Runs the waiters whose bytes fit now; the others keep their turn. */
  private void wakeWaiters() {
    for (int n = waiters.size(); n > 0; n--) {
      Waiter waiter = waiters.poll();
      if (waiter == null) {
        return;
      }
      if (used.get() + waiter.bytes() <= waiter.ceiling()) {
        waiter.retry().run();
      } else {
        waiters.add(waiter);
      }
    }
  }

  private record Waiter(long bytes, long ceiling, Runnable retry) {}

  /** True while less than the whole budget is in use. */
  public boolean hasRoom() {
    return used.get() < limit;
  }

  public long used() {
    return used.get();
  }

  public long limit() {
    return limit;
  }
}
