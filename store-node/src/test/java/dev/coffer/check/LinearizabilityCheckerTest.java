package dev.coffer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search itself, through the register model. */
class LinearizabilityCheckerTest {
  private static final RegisterModel MODEL = new RegisterModel();

  private static Operation<RegisterOp, RegisterResult> op(long call, long ret, RegisterOp in, RegisterResult out) {
    return Operation.completed(0, in, call, ret, out);
  }

  @Test
  void check_emptyHistory_isOk() {
    assertEquals(Verdict.OK, LinearizabilityChecker.check(MODEL, List.of(), Duration.ofSeconds(1)).verdict());
  }

  @Test
  void check_onlyOperationsWithoutReply_isOk() {
    List<Operation<RegisterOp, RegisterResult>> history = List.of(
        Operation.pending(1, RegisterOp.put("k", "a"), 0, RegisterResult.unknown()),
        Operation.pending(2, RegisterOp.get("k"), 1, RegisterResult.unknown()));
    assertEquals(Verdict.OK, LinearizabilityChecker.check(MODEL, history, Duration.ofSeconds(1)).verdict());
  }

  @Test
  void check_operationsTouchingAtOneInstant_countAsConcurrent() {
    // The get returns at the very instant the put is called: the lenient reading lets the put go first.
    List<Operation<RegisterOp, RegisterResult>> history = List.of(
        op(0, 5, RegisterOp.get("k"), RegisterResult.value("a", 1)),
        op(5, 9, RegisterOp.put("k", "a"), RegisterResult.ok(1)));
    assertEquals(Verdict.OK, LinearizabilityChecker.check(MODEL, history, Duration.ofSeconds(1)).verdict());
  }

  @Test
  void check_searchTooLargeForTheTimeLimit_isUnknown() {
    // Forty concurrent puts without versions and a read of a value nobody wrote: proving that takes
    // trying every subset of the puts, far more than 100 ms.
    List<Operation<RegisterOp, RegisterResult>> history = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      history.add(Operation.pending(i, RegisterOp.put("k", "v" + i), i, RegisterResult.unknown()));
      history.add(op(i, 100 + i, RegisterOp.get("k"), RegisterResult.value("v" + i)));
    }
    history.add(op(200, 201, RegisterOp.get("k"), RegisterResult.value("nobody wrote this")));
    long start = System.nanoTime();
    CheckResult result = LinearizabilityChecker.check(MODEL, history, Duration.ofMillis(100));
    assertEquals(Verdict.UNKNOWN, result.verdict(), result::toString);
    String why = result.problems().get(0).explanation();
    assertTrue(why.startsWith("gave up at the time limit of 100 ms (after"), why);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
  }

  @Test
  void check_illegalPartitionWins_overUnknownOne() {
    List<PartitionResult> parts = List.of(
        new PartitionResult("a", Verdict.UNKNOWN, 1, Duration.ZERO, "slow"),
        new PartitionResult("b", Verdict.ILLEGAL, 1, Duration.ZERO, "bad"),
        new PartitionResult("c", Verdict.OK, 1, Duration.ZERO, ""));
    assertEquals(Verdict.ILLEGAL, CheckResult.of(parts).verdict());
    assertEquals(Verdict.UNKNOWN, CheckResult.of(List.of(parts.get(0), parts.get(2))).verdict());
    assertEquals(Verdict.OK, CheckResult.of(List.of(parts.get(2))).verdict());
  }

  @Test
  void check_nonPositiveTimeLimit_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> LinearizabilityChecker.check(MODEL, List.of(), Duration.ZERO));
  }

  @Test
  void operation_returningBeforeItsCall_isRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> op(5, 4, RegisterOp.get("k"), RegisterResult.notFound()));
    assertTrue(e.getMessage().contains("returns (4) before its call (5)"), e.getMessage());
  }
}
