package dev.coffer.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Checks that a concurrent history is linearizable with respect to a {@link Model}: whether every
 * operation can be given one instant between its call and its return such that, taken in the order
 * of those instants, the operations are legal for the model's sequential specification.
 *
 * <p>The history is split by {@link Model#partition} and each part searched on its own (see
 * {@link PartitionSearch}), with a limit on the search time each part may use. Parts take turns in
 * short slices on two threads, so one hard part does not hold up the others; as soon as one part
 * is ILLEGAL the whole history is, and the parts still open stop (UNKNOWN, saying so), as
 * Porcupine does: proving a part has no linearization can take far longer than finding another
 * part's violation.
 */
public final class LinearizabilityChecker {
  private static final Duration SLICE = Duration.ofMillis(20);
  private static final int THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());

  private LinearizabilityChecker() {}

  public static <S, I, O> CheckResult check(Model<S, I, O> model, List<Operation<I, O>> history,
      Duration timeLimitPerPartition) {
    if (timeLimitPerPartition.isNegative() || timeLimitPerPartition.isZero()) {
      throw new IllegalArgumentException("the time limit per partition must be positive, got " + timeLimitPerPartition);
    }
    List<PartitionSearch<S, I, O>> searches = new ArrayList<>();
    for (Map.Entry<String, List<Operation<I, O>>> part : model.partition(history).entrySet()) {
      searches.add(new PartitionSearch<>(part.getKey(), model, part.getValue()));
    }
    return CheckResult.of(new Turns<>(searches, timeLimitPerPartition).run());
  }

  /** Runs the searches round-robin in slices on a small pool until each is decided or out of time. */
  private static final class Turns<S, I, O> {
    private final List<PartitionSearch<S, I, O>> searches;
    private final Duration limit;
    private final Queue<Integer> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicReferenceArray<PartitionResult> results;
    private final AtomicReference<String> illegalPartition = new AtomicReference<>();

    Turns(List<PartitionSearch<S, I, O>> searches, Duration limit) {
      this.searches = searches;
      this.limit = limit;
      this.results = new AtomicReferenceArray<>(searches.size());
      for (int i = 0; i < searches.size(); i++) {
        waiting.add(i);
      }
    }

    List<PartitionResult> run() {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Callable<Void>> workers = Collections.nCopies(THREADS, () -> {
          work();
          return null;
        });
        for (Future<Void> f : pool.invokeAll(workers)) {
          f.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking linearizability", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      } finally {
        pool.shutdownNow();
      }
      List<PartitionResult> all = new ArrayList<>(searches.size());
      for (int i = 0; i < searches.size(); i++) {
        all.add(results.get(i));
      }
      return all;
    }

    /** Takes a waiting search, gives it one slice, and puts it back unless it is finished. */
    private void work() {
      Integer i;
      while ((i = waiting.poll()) != null) {
        PartitionSearch<S, I, O> search = searches.get(i);
        String stoppedBy = illegalPartition.get();
        if (stoppedBy != null) {
          results.set(i, search.undecided("not finished: stopped once partition " + stoppedBy + " was found ILLEGAL"));
          continue;
        }
        Duration left = limit.minus(search.spent());
        Optional<PartitionResult> verdict = search.advance(left.compareTo(SLICE) < 0 ? left : SLICE);
        if (verdict.isPresent()) {
          results.set(i, verdict.get());
          if (verdict.get().verdict() == Verdict.ILLEGAL) {
            illegalPartition.compareAndSet(null, search.name());
          }
        } else if (search.spent().compareTo(limit) >= 0) {
          results.set(i, search.undecided("gave up at the time limit of " + limit.toMillis() + " ms"));
        } else {
          waiting.add(i);
        }
      }
    }
  }
}
