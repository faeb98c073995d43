package dev.coffer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {
  private final AtomicLong clock = new AtomicLong();
  private final HistoryRecorder<RegisterOp, RegisterResult> recorder =
      new HistoryRecorder<>(RegisterResult.unknown(), clock::incrementAndGet);

  @Test
  void history_keepsOkAndUnknown_dropsFailed_inCallOrder() {
    HistoryRecorder.Call<RegisterOp, RegisterResult> put = recorder.invoke(1, RegisterOp.put("k", "a")); // t1
    HistoryRecorder.Call<RegisterOp, RegisterResult> lost = recorder.invoke(2, RegisterOp.put("k", "b")); // t2
    HistoryRecorder.Call<RegisterOp, RegisterResult> rejected = recorder.invoke(3, RegisterOp.put("k", "c")); // t3
    put.ok(RegisterResult.ok(1)); // t4
    lost.unknown();
    rejected.fail();
    HistoryRecorder.Call<RegisterOp, RegisterResult> open = recorder.invoke(1, RegisterOp.get("k")); // t5

    List<Operation<RegisterOp, RegisterResult>> history = recorder.history();
    assertEquals(List.of(
        Operation.completed(1, RegisterOp.put("k", "a"), 1, 4, RegisterResult.ok(1)),
        Operation.pending(2, RegisterOp.put("k", "b"), 2, RegisterResult.unknown()),
        Operation.pending(1, RegisterOp.get("k"), 5, RegisterResult.unknown())), history);

    open.ok(RegisterResult.value("a", 1)); // t6
    assertEquals(Operation.completed(1, RegisterOp.get("k"), 5, 6, RegisterResult.value("a", 1)),
        recorder.history().get(2));
  }

  @Test
  void complete_twice_isRejected() {
    HistoryRecorder.Call<RegisterOp, RegisterResult> call = recorder.invoke(1, RegisterOp.get("k"));
    call.ok(RegisterResult.notFound());
    IllegalStateException e = assertThrows(IllegalStateException.class, call::unknown);
    assertTrue(e.getMessage().contains("already completed as OK"), e.getMessage());
  }

  @Test
  void invoke_fromManyThreads_recordsEveryOperationOnce() throws Exception {
    HistoryRecorder<RegisterOp, RegisterResult> shared = new HistoryRecorder<>(RegisterResult.unknown());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        int client = c;
        clients.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            shared.invoke(client, RegisterOp.get("k" + client)).ok(RegisterResult.notFound());
          }
        }));
      }
      for (Future<?> f : clients) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<Operation<RegisterOp, RegisterResult>> history = shared.history();
    assertEquals(2000, history.size());
    assertTrue(history.stream().allMatch(Operation::returned));
    assertTrue(history.stream().allMatch(op -> op.call() <= op.returnTime()));
    CheckResult result = LinearizabilityChecker.check(new RegisterModel(), history, Duration.ofSeconds(10));
    assertEquals(Verdict.OK, result.verdict(), result::toString);
    assertFalse(result.partitions().isEmpty());
  }
}
