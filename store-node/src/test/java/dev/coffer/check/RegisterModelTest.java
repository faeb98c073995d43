package dev.coffer.check;

import static dev.coffer.check.RegisterOp.delete;
import static dev.coffer.check.RegisterOp.get;
import static dev.coffer.check.RegisterOp.put;
import static dev.coffer.check.RegisterOp.putIfVersion;
import static dev.coffer.check.RegisterResult.conflict;
import static dev.coffer.check.RegisterResult.deleted;
import static dev.coffer.check.RegisterResult.notFound;
import static dev.coffer.check.RegisterResult.ok;
import static dev.coffer.check.RegisterResult.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-built register histories, each small enough to see by eye whether it is linearizable. */
class RegisterModelTest {
  private final List<Operation<RegisterOp, RegisterResult>> history = new ArrayList<>();

  private void op(int client, long call, long ret, RegisterOp input, RegisterResult output) {
    history.add(Operation.completed(client, input, call, ret, output));
  }

  private void noReply(int client, long call, RegisterOp input) {
    history.add(Operation.pending(client, input, call, RegisterResult.unknown()));
  }

  private CheckResult check() {
    return LinearizabilityChecker.check(new RegisterModel(), history, Duration.ofSeconds(5));
  }

  private void assertVerdict(Verdict expected) {
    CheckResult result = check();
    assertEquals(expected, result.verdict(), result::toString);
  }

  @Test
  void check_sequentialHistory_isOk() {
    op(1, 0, 1, get("k"), notFound());
    op(1, 2, 3, put("k", "a"), ok(1));
    op(2, 4, 5, get("k"), value("a", 1));
    op(1, 6, 7, put("k", "b"), ok(2));
    op(2, 8, 9, get("k"), value("b", 2));
    op(1, 10, 11, delete("k"), deleted(true));
    op(2, 12, 13, get("k"), notFound());
    op(2, 14, 15, delete("k"), deleted(false));
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_concurrentWritesSeenInEitherOrderWhileOverlapping_isOk() {
    op(1, 0, 10, put("k", "a"), ok(2));
    op(2, 0, 10, put("k", "b"), ok(1));
    op(3, 1, 3, get("k"), value("b", 1)); // b took effect first (its version is lower) ...
    op(4, 4, 6, get("k"), value("a", 2)); // ... then a
    op(3, 11, 12, get("k"), value("a", 2));
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_readOverlappingAWriteSeesOldOrNewValue_isOk() {
    op(1, 0, 1, put("k", "a"), ok(1));
    op(1, 2, 10, put("k", "b"), ok(2));
    op(2, 3, 4, get("k"), value("a", 1));
    op(3, 5, 6, get("k"), value("b", 2));
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_staleRead_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(1));
    op(1, 2, 3, put("k", "b"), ok(2));
    op(2, 4, 5, get("k"), value("a")); // starts after b was acknowledged, yet sees a
    CheckResult result = check();
    assertEquals(Verdict.ILLEGAL, result.verdict(), result::toString);
    String explanation = result.problems().get(0).explanation();
    assertEquals("k", result.problems().get(0).partition());
    assertTrue(explanation.contains("get k -> \"a\""), explanation);
    assertTrue(explanation.contains("state after it: \"b\" v2"), explanation);
  }

  @Test
  void check_lostWrite_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(1));
    op(2, 2, 6, put("k", "b"), ok(2));
    op(3, 3, 4, get("k"), value("a")); // fine: b is still in flight
    op(3, 7, 8, get("k"), value("a")); // b was acknowledged but is gone
    op(3, 9, 10, get("k"), value("a"));
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_duplicatedWrite_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(1));
    op(2, 2, 3, get("k"), value("a"));
    op(1, 4, 5, put("k", "b"), ok(2));
    op(2, 6, 7, get("k"), value("b"));
    op(2, 8, 9, get("k"), value("a")); // a comes back without a second put
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_unknownPutThatShowsUpLater_isOk() {
    op(1, 0, 1, put("k", "a"), ok(1));
    noReply(2, 2, put("k", "b"));
    op(3, 3, 4, get("k"), value("a", 1));
    op(3, 10, 11, get("k"), value("b", 7)); // it took effect late, at version 7 ...
    op(3, 12, 13, putIfVersion("k", 7, "c"), ok(8)); // ... which was learnt from the read
    op(3, 14, 15, get("k"), value("c", 8));
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_unknownPutThatNeverShowsUp_isOk() {
    op(1, 0, 1, put("k", "a"), ok(1));
    noReply(2, 2, put("k", "b"));
    op(3, 3, 4, get("k"), value("a", 1));
    op(3, 10, 11, get("k"), value("a", 1));
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_valueSeenBeforeItsUnknownPutWasCalled_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(1));
    op(3, 2, 3, get("k"), value("b"));
    noReply(2, 4, put("k", "b"));
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_unknownPutSeenThenGoneWithoutAnotherWrite_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(1));
    noReply(2, 2, put("k", "b"));
    op(3, 3, 4, get("k"), value("b"));
    op(3, 5, 6, get("k"), value("a"));
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_putIfVersionMatchingSucceeds_isOk() {
    op(1, 0, 1, put("k", "a"), ok(3));
    op(1, 2, 3, putIfVersion("k", 3, "b"), ok(4));
    op(1, 4, 5, putIfVersion("k", 3, "c"), conflict());
    op(1, 6, 7, get("k"), value("b", 4));
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_putIfVersionSucceedsOnAStaleVersion_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(3));
    op(1, 2, 3, put("k", "b"), ok(4));
    op(2, 4, 5, putIfVersion("k", 3, "c"), ok(5));
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_putIfVersionConflictsOnTheCurrentVersion_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(3));
    op(2, 2, 3, putIfVersion("k", 3, "b"), conflict());
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_putIfVersionOnAbsentKey_conflictsOnly() {
    op(1, 0, 1, putIfVersion("k", 1, "a"), conflict());
    assertVerdict(Verdict.OK);
    op(1, 2, 3, putIfVersion("k", 1, "a"), ok(2));
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_unknownPutIfVersionWhoseConditionNeverHeld_isOk() {
    // It can only have failed, i.e. had no effect: the search must be free to leave it out.
    op(1, 0, 1, put("k", "a"), ok(3));
    noReply(2, 2, putIfVersion("k", 99, "b"));
    op(1, 3, 4, get("k"), value("a", 3));
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_putIfVersionAfterAnUnknownPut_eitherOutcomeIsOk() {
    op(1, 0, 1, put("k", "a"), ok(3));
    noReply(2, 2, put("k", "b"));
    op(1, 10, 11, putIfVersion("k", 3, "c"), conflict()); // b may have replaced version 3
    assertVerdict(Verdict.OK);
    history.remove(2);
    op(1, 10, 11, putIfVersion("k", 5, "c"), ok(6)); // b may have created version 5
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_writeReportsAVersionNotAboveTheCurrentOne_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(5));
    op(1, 2, 3, put("k", "b"), ok(3));
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_deleteReportsExistedWrongly_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(1));
    op(1, 2, 3, delete("k"), deleted(false));
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_readMissesAnAcknowledgedDelete_isIllegal() {
    op(1, 0, 1, put("k", "a"), ok(1));
    op(1, 2, 3, delete("k"), deleted(true));
    op(2, 4, 5, get("k"), value("a", 1));
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_keysAreIndependent_andTheBadKeyIsNamed() {
    op(1, 0, 1, put("x", "a"), ok(1));
    op(1, 2, 3, put("y", "a"), ok(2));
    op(2, 4, 5, get("x"), value("a", 1));
    op(2, 6, 7, get("y"), notFound());
    CheckResult result = check();
    assertEquals(Verdict.ILLEGAL, result.verdict());
    assertEquals(List.of("x", "y"), result.partitions().stream().map(PartitionResult::partition).toList());
    assertEquals(List.of("y"), result.problems().stream().map(PartitionResult::partition).toList());
  }
}
