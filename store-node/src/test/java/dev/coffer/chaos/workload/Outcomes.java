package dev.coffer.chaos.workload;

import dev.coffer.check.HistoryRecorder;
import dev.coffer.client.CofferException;
import dev.coffer.client.UnavailableException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a client failure enters a history: a write that may have reached the cluster is "maybe
 * happened"; one that certainly did not (no leader accepted it) is dropped; a read that failed
 * had no effect and is dropped. Anything else is a bug in the store and is counted.
 */
final class Outcomes {
  final AtomicInteger ok = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicInteger unknown = new AtomicInteger();
  final AtomicInteger unexpected = new AtomicInteger();
  volatile String firstUnexpected;

  <I, O> void writeFailed(HistoryRecorder.Call<I, O> call, CofferException e) {
    if (e instanceof UnavailableException u && !u.outcomeUnknown()) {
      failed.incrementAndGet();
      call.fail();
    } else {
      if (!(e instanceof UnavailableException)) {
        unexpected(e);
      }
      unknown.incrementAndGet();
      call.unknown();
    }
  }

  <I, O> void readFailed(HistoryRecorder.Call<I, O> call, CofferException e) {
    if (!(e instanceof UnavailableException)) {
      unexpected(e);
    }
    failed.incrementAndGet();
    call.fail();
  }

  private void unexpected(CofferException e) {
    unexpected.incrementAndGet();
    if (firstUnexpected == null) {
      firstUnexpected = e.status() + ": " + e.getMessage();
    }
  }

  int total() {
    return ok.get() + failed.get() + unknown.get();
  }
}
