package dev.coffer.node.raft;

import com.google.protobuf.ByteString;
import dev.coffer.proto.Command;
import dev.coffer.proto.CommandResults;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Group commit. Writes that arrive while earlier entries are in flight wait in a queue; when an
 * entry completes, the queue is packed into the next entry (up to a byte budget, and never two
 * writes to the same key, so that versions — the log index — stay unique per object). One entry
 * carries many writes, so the Raft log's fsync is paid once for all of them.
 *
 * <p>Read barriers ride along: a barrier completes when the first entry proposed after it was
 * requested has been committed and applied. That proves this node was still the leader after the
 * barrier was asked for, so a read of local state afterwards is linearizable. (Ratis 3.3.0's
 * ReadIndex skips its leadership check when the commit index has not moved, so a deposed leader
 * could answer from stale state.) With no writes queued, the barrier sends an empty entry.
 */
public final class WriteProposer {
  private static final int MAX_IN_FLIGHT = 2;
  private static final int MAX_COMMANDS_PER_ENTRY = 1024;

  private record ObjectKey(String user, ByteString key) {}

  private record Pending(Command command, ObjectKey objectKey, int bytes, CompletableFuture<Response> reply) {}

  private final Function<LogEntry, CompletableFuture<CommandResults>> proposer;
  private final Clock clock;
  private final int maxEntryBytes;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private List<CompletableFuture<Long>> barriers = new ArrayList<>();
  private int inFlight;

  public WriteProposer(Function<LogEntry, CompletableFuture<CommandResults>> proposer, Clock clock, int maxEntryBytes) {
    this.proposer = proposer;
    this.clock = clock;
    this.maxEntryBytes = maxEntryBytes;
  }

  /** Queues a write; the future completes with its own result once its entry is applied. */
  public CompletableFuture<Response> submit(Command command) {
    CompletableFuture<Response> reply = new CompletableFuture<>();
    synchronized (this) {
      queue.add(new Pending(command, objectKey(command), command.getSerializedSize(), reply));
    }
    sendReady();
    return reply;
  }

  /** Completes with the log index of an entry committed after this call; see the class comment. */
  public CompletableFuture<Long> barrier() {
    CompletableFuture<Long> barrier = new CompletableFuture<>();
    synchronized (this) {
      barriers.add(barrier);
    }
    sendReady();
    return barrier;
  }

  private void sendReady() {
    while (true) {
      List<Pending> batch;
      List<CompletableFuture<Long>> batchBarriers;
      synchronized (this) {
        if (inFlight >= MAX_IN_FLIGHT || (queue.isEmpty() && barriers.isEmpty())) {
          return;
        }
        batch = takeBatch();
        batchBarriers = barriers;
        barriers = new ArrayList<>();
        inFlight++;
      }
      send(batch, batchBarriers);
    }
  }

  // Caller holds the lock.
  private List<Pending> takeBatch() {
    List<Pending> batch = new ArrayList<>();
    Set<ObjectKey> keys = new HashSet<>();
    int bytes = 0;
    while (!queue.isEmpty() && batch.size() < MAX_COMMANDS_PER_ENTRY) {
      Pending next = queue.peek();
      boolean fits = batch.isEmpty() || bytes + next.bytes() <= maxEntryBytes;
      if (!fits || keys.contains(next.objectKey())) {
        break;
      }
      queue.poll();
      batch.add(next);
      keys.add(next.objectKey());
      bytes += next.bytes();
    }
    return batch;
  }

  private void send(List<Pending> batch, List<CompletableFuture<Long>> batchBarriers) {
    LogEntry.Builder entry = LogEntry.newBuilder().setTimestampMillis(clock.millis());
    batch.forEach(p -> entry.addCommands(p.command()));
    CompletableFuture<CommandResults> proposed;
    try {
      proposed = proposer.apply(entry.build());
    } catch (RuntimeException e) {
      proposed = CompletableFuture.failedFuture(e);
    }
    proposed.whenComplete((results, error) -> {
      synchronized (this) {
        inFlight--;
      }
      complete(batch, results, error);
      batchBarriers.forEach(b -> {
        if (error != null) {
          b.completeExceptionally(error);
        } else {
          b.complete(results.getLogIndex());
        }
      });
      sendReady();
    });
  }

  private static void complete(List<Pending> batch, CommandResults results, Throwable error) {
    if (error == null && results.getResultsCount() != batch.size()) {
      error = new ClusterRejectedException(Status.INTERNAL, "the state machine answered " + results.getResultsCount()
          + " results for " + batch.size() + " writes", "");
    }
    for (int i = 0; i < batch.size(); i++) {
      if (error != null) {
        batch.get(i).reply().completeExceptionally(error);
      } else {
        batch.get(i).reply().complete(results.getResults(i));
      }
    }
  }

  private static ObjectKey objectKey(Command command) {
    return switch (command.getOpCase()) {
      case PUT -> new ObjectKey(command.getPut().getUser(), command.getPut().getKey());
      case DELETE -> new ObjectKey(command.getDelete().getUser(), command.getDelete().getKey());
      default -> new ObjectKey("", ByteString.EMPTY);
    };
  }
}
