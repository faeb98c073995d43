package dev.coffer.node.raft;

import dev.coffer.proto.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Lets a read wait until this node has applied a log index. The state machine reports every
 * applied index (entries, configuration entries, snapshot installs); waiters are completed by
 * that report, on the reporting thread, so what they run next must be short or asynchronous.
 */
public final class AppliedIndexWatch {
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();
  private long applied;

  /** Records that everything up to {@code index} is applied; never moves backwards. */
  public void applied(long index) {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (this) {
      if (index <= applied) {
        return;
      }
      applied = index;
      Map<Long, List<CompletableFuture<Void>>> due = waiting.headMap(index, true);
      due.values().forEach(ready::addAll);
      due.clear();
    }
    ready.forEach(f -> f.complete(null));
  }

  public synchronized long appliedIndex() {
    return applied;
  }

  /**
   * Completes once {@code index} is applied, or fails with UNAVAILABLE if it is not within
   * {@code bound}.
   */
  public CompletableFuture<Void> await(long index, Duration bound) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (this) {
      if (index <= applied) {
        return CompletableFuture.completedFuture(null);
      }
      waiting.computeIfAbsent(index, i -> new ArrayList<>()).add(done);
    }
    return done.orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS).exceptionally(timeout -> {
      forget(index, done);
      throw new ClusterRejectedException(Status.UNAVAILABLE, "this node had not applied log index " + index
          + " within " + bound.toMillis() + " ms (applied: " + appliedIndex() + "); retry", "");
    });
  }

  private synchronized void forget(long index, CompletableFuture<Void> waiter) {
    List<CompletableFuture<Void>> at = waiting.get(index);
    if (at != null && at.remove(waiter) && at.isEmpty()) {
      waiting.remove(index);
    }
  }

  /** How many reads are waiting (for tests). */
  synchronized int waiting() {
    return waiting.values().stream().mapToInt(List::size).sum();
  }
}
