package dev.coffer.chaos.workload;

import dev.coffer.check.HistoryRecorder;
import dev.coffer.check.Operation;
import dev.coffer.check.SetOp;
import dev.coffer.check.SetResult;
import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import dev.coffer.client.ObjectInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Unique adds (a put of a new key per element) while faults happen, then one final read of the
 * whole set (a listing). Every acknowledged add must be in it; an add reported as failed must not.
 */
public final class SetWorkload implements AutoCloseable {
  static final String USER = "set";

  private final HistoryRecorder<SetOp, SetResult> history = new HistoryRecorder<>(SetResult.unknown());
  private final Outcomes outcomes = new Outcomes();
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final Set<String> failed = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private final List<CofferClient> clients = new ArrayList<>();
  private final long deadline;
  private final int maxAddsPerClient;
  private volatile boolean stopped;
  private Set<String> finalRead;

  public SetWorkload(Supplier<CofferClient> newClient, int workers, int maxAddsPerClient, Duration maxDuration) {
    this.maxAddsPerClient = maxAddsPerClient;
    this.deadline = System.nanoTime() + maxDuration.toNanos();
    for (int w = 0; w < workers; w++) {
      CofferClient client = newClient.get();
      clients.add(client);
      int worker = w;
      Thread t = new Thread(() -> run(worker, client), "set-" + w);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void run(int worker, CofferClient client) {
    for (int n = 0; n < maxAddsPerClient && !stopped && System.nanoTime() < deadline; n++) {
      String element = "e" + worker + "-" + n;
      HistoryRecorder.Call<SetOp, SetResult> call = history.invoke(worker, SetOp.add(element));
      try {
        client.put(USER, element, element.getBytes(StandardCharsets.UTF_8));
        acknowledged.add(element);
        outcomes.ok.incrementAndGet();
        call.ok(SetResult.ok());
      } catch (CofferException e) {
        int before = outcomes.failed.get();
        outcomes.writeFailed(call, e);
        if (outcomes.failed.get() > before) {
          failed.add(element);
        }
      }
    }
  }

  /** Stops adding, then reads the whole set once through {@code reader} and records that read. */
  public void stopAndReadAll(CofferClient reader) throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.join(120_000);
    }
    HistoryRecorder.Call<SetOp, SetResult> call = history.invoke(Integer.MAX_VALUE, SetOp.read());
    Set<String> elements = reader.listAll(USER, "").map(ObjectInfo::key).collect(Collectors.toCollection(TreeSet::new));
    finalRead = elements;
    call.ok(SetResult.elements(elements));
  }

  public List<Operation<SetOp, SetResult>> history() {
    return history.history();
  }

  /** Acknowledged adds missing from the final read. */
  public Set<String> lost() {
    return acknowledged.stream().filter(e -> !finalRead.contains(e)).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Adds the client was told had failed that are in the final read anyway. */
  public Set<String> failedButCommitted() {
    return failed.stream().filter(finalRead::contains).collect(Collectors.toCollection(TreeSet::new));
  }

  public int acknowledgedCount() {
    return acknowledged.size();
  }

  public int unknownOutcomes() {
    return outcomes.unknown.get();
  }

  /** Failures other than 'unavailable' (e.g. INTERNAL): each one is a bug in the store. */
  public int unexpectedErrors() {
    return outcomes.unexpected.get();
  }

  public String firstUnexpected() {
    return outcomes.firstUnexpected;
  }

  @Override
  public void close() {
    stopped = true;
    clients.forEach(CofferClient::close);
  }
}
