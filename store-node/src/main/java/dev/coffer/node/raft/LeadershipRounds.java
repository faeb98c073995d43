package dev.coffer.node.raft;

import dev.coffer.proto.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Batches leadership confirmations for read-index reads. A read joins the next round; a round
 * starts only after every read it serves has arrived (reads arriving while one is in flight wait
 * for the next), one round is in flight at a time, and every read waiting when a round starts
 * shares it. Under load, one round of messages confirms many reads.
 */
public final class LeadershipRounds {
  /** One leadership check. */
  public interface Round {
    /**
     * Completes once a majority of voters confirmed, after this call, that this node still leads
     * in {@code term}; fails with a {@link ClusterRejectedException} otherwise.
     */
    CompletableFuture<Void> run(long term);
  }

  /** Told about every round (metrics). */
  public interface Observer {
    void roundStarted(int reads);

    void roundFailed(Status status);

    Observer NONE = new Observer() {
      @Override
      public void roundStarted(int reads) { }

      @Override
      public void roundFailed(Status status) { }
    };
  }

  private record Waiter(long term, CompletableFuture<Void> confirmed) {}

  private final Round round;
  private final Observer observer;
  private List<Waiter> waiting = new ArrayList<>();
  private boolean inFlight;

  public LeadershipRounds(Round round, Observer observer) {
    this.round = round;
    this.observer = observer;
  }

  /**
   * Completes once a round that started after this call confirmed that this node leads in
   * {@code term} (the term in which the caller noted its read index).
   */
  public CompletableFuture<Void> confirm(long term) {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    List<Waiter> batch;
    synchronized (this) {
      waiting.add(new Waiter(term, confirmed));
      if (inFlight) {
        return confirmed;
      }
      inFlight = true;
      batch = takeWaiting();
    }
    runRounds(batch);
    return confirmed;
  }

  /** Runs rounds until none is waiting; returns early when one is left in flight (its completion goes on). */
  private void runRounds(List<Waiter> batch) {
    while (batch != null) {
      List<Waiter> current = batch;
      CompletableFuture<Void> result = start(current);
      if (!result.isDone()) {
        result.whenComplete((ok, error) -> {
          finish(current, error);
          runRounds(next());
        });
        return;
      }
      finish(current, result.handle((ok, error) -> error).join());
      batch = next();
    }
  }

  private CompletableFuture<Void> start(List<Waiter> batch) {
    long term = batch.stream().mapToLong(Waiter::term).max().orElseThrow();
    try {
      observer.roundStarted(batch.size());
      return round.run(term);
    } catch (RuntimeException | Error e) {
      // Whatever went wrong fails this round's reads, never the rounds after it: a round left
      // in flight for good would hold every later read.
      return CompletableFuture.failedFuture(e);
    }
  }

  private void finish(List<Waiter> batch, Throwable error) {
    long term = batch.stream().mapToLong(Waiter::term).max().orElseThrow();
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause != null) {
      observer.roundFailed(cause instanceof ClusterRejectedException c ? c.status() : Status.INTERNAL);
    }
    for (Waiter w : batch) {
      if (cause != null) {
        w.confirmed().completeExceptionally(cause);
      } else if (w.term() != term) {
        // This node noted the read in an older term and has led in a newer one since: it lost
        // leadership in between, so that read index may be stale.
        w.confirmed().completeExceptionally(new ClusterRejectedException(Status.NOT_LEADER,
            "leadership changed (term " + w.term() + " -> " + term + ") while the read waited; retry", ""));
      } else {
        w.confirmed().complete(null);
      }
    }
  }

  /** The reads to serve next, or null (and no round in flight) when none is waiting. */
  private synchronized List<Waiter> next() {
    if (waiting.isEmpty()) {
      inFlight = false;
      return null;
    }
    return takeWaiting();
  }

  private List<Waiter> takeWaiting() {
    List<Waiter> batch = waiting;
    waiting = new ArrayList<>();
    return batch;
  }
}
