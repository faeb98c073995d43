package dev.coffer.node.raft;

import dev.coffer.proto.Status;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Digests of this replica's state taken at digest markers in the log. The apply thread only
 * takes a RocksDB snapshot at the marker; hashing it runs on a worker, so apply never waits on
 * a scan of the whole store. Keeps the most recent few.
 */
final class DigestBook {
  private static final int KEPT = 16;
  private static final Duration MAX_WAIT = Duration.ofSeconds(30);
  private static final int MAX_AWAITED = 64;

  private final ExecutorService worker;
  /** Markers this replica has applied, each digest done or being computed. */
  private final TreeMap<Long, CompletableFuture<byte[]>> captured = new TreeMap<>();
  /** Digests asked for before this replica reached their index. */
  private final TreeMap<Long, CompletableFuture<byte[]>> awaited = new TreeMap<>();
  private long lastApplied;

  DigestBook(ExecutorService worker) {
    this.worker = worker;
  }

  /** Called by the apply thread at a marker: {@code digest} hashes the state as of {@code index}. */
  synchronized void capture(long index, java.util.function.Supplier<byte[]> digestOfState) {
    CompletableFuture<byte[]> digest = awaited.containsKey(index) ? awaited.remove(index) : new CompletableFuture<>();
    captured.put(index, digest);
    worker.execute(() -> {
      try {
        digest.complete(digestOfState.get());
      } catch (RuntimeException e) {
        digest.completeExceptionally(e);
      }
    });
    while (captured.size() > KEPT) {
      Map.Entry<Long, CompletableFuture<byte[]>> oldest = captured.pollFirstEntry();
      oldest.getValue().completeExceptionally(gone(oldest.getKey()));
    }
  }

  /**
   * Called by the apply thread after every entry. A digest still awaited at or below it will
   * never come: that index was not a marker, or it reached this replica inside a snapshot.
   */
  synchronized void applied(long index) {
    lastApplied = Math.max(lastApplied, index);
    Map<Long, CompletableFuture<byte[]>> missed = awaited.headMap(lastApplied, true);
    missed.forEach((i, f) -> f.completeExceptionally(gone(i)));
    missed.clear();
  }

  /**
   * The digest at the marker at {@code index}, once this replica has applied it; a wait for an
   * index not reached within {@link #MAX_WAIT} (a lagging replica, or an index that will never
   * come) ends UNAVAILABLE, and only {@link #MAX_AWAITED} indexes are awaited at once, so what a
   * client asks for cannot hold the node's memory.
   */
  synchronized CompletableFuture<byte[]> at(long index) {
    CompletableFuture<byte[]> digest = captured.get(index);
    if (digest != null) {
      return digest;
    }
    if (index <= lastApplied) {
      return CompletableFuture.failedFuture(gone(index));
    }
    if (!awaited.containsKey(index) && awaited.size() >= MAX_AWAITED) {
      return CompletableFuture.failedFuture(new ClusterRejectedException(Status.OVERLOADED,
          "already waiting for " + MAX_AWAITED + " digests on this replica", ""));
    }
    CompletableFuture<byte[]> waiting = awaited.computeIfAbsent(index, i -> new CompletableFuture<>());
    return waiting.copy().orTimeout(MAX_WAIT.toSeconds(), TimeUnit.SECONDS).whenComplete((d, error) -> {
      if (error != null) {
        expire(index, waiting);
      }
    }).exceptionallyCompose(error -> CompletableFuture.failedFuture(error instanceof TimeoutException
        || error.getCause() instanceof TimeoutException ? notReached(index) : error));
  }

  private synchronized void expire(long index, CompletableFuture<byte[]> waiting) {
    if (!waiting.isDone() && awaited.get(index) == waiting) {
      awaited.remove(index);
      waiting.completeExceptionally(notReached(index));
    }
  }

  private static ClusterRejectedException notReached(long index) {
    return new ClusterRejectedException(Status.UNAVAILABLE, "this replica has not applied index " + index
        + " within " + MAX_WAIT.toSeconds() + " s; ask again later", "");
  }

  private static ClusterRejectedException gone(long index) {
    return new ClusterRejectedException(Status.NOT_FOUND, "this replica has no digest at index " + index
        + " (not a digest marker, received inside a snapshot, from before a restart, or too old)", "");
  }
}
