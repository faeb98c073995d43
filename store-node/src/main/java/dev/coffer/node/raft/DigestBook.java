package dev.coffer.node.raft;

import dev.coffer.proto.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Digests of this replica's state taken at digest markers in the log. The apply thread only
 * takes a RocksDB snapshot at the marker; hashing it runs on a worker, so apply never waits on
 * a scan of the whole store. Keeps the most recent few.
 */
final class DigestBook {
  private static final int KEPT = 16;

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

  /** The digest at the marker at {@code index}, once this replica has applied it. */
  synchronized CompletableFuture<byte[]> at(long index) {
    CompletableFuture<byte[]> digest = captured.get(index);
    if (digest != null) {
      return digest;
    }
    if (index <= lastApplied) {
      return CompletableFuture.failedFuture(gone(index));
    }
    return awaited.computeIfAbsent(index, i -> new CompletableFuture<>());
  }

  private static ClusterRejectedException gone(long index) {
    return new ClusterRejectedException(Status.NOT_FOUND, "this replica has no digest at index " + index
        + " (not a digest marker, received inside a snapshot, from before a restart, or too old)", "");
  }
}
