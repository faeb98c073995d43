package dev.coffer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SetModelTest {
  private final List<Operation<SetOp, SetResult>> history = new ArrayList<>();

  private void add(int client, long call, long ret, String element) {
    history.add(Operation.completed(client, SetOp.add(element), call, ret, SetResult.ok()));
  }

  private void addNoReply(int client, long call, String element) {
    history.add(Operation.pending(client, SetOp.add(element), call, SetResult.unknown()));
  }

  private void read(long call, long ret, String... elements) {
    history.add(Operation.completed(0, SetOp.read(), call, ret, SetResult.elements(Set.of(elements))));
  }

  /** Each history goes through both the general search and the direct set check: they must agree. */
  private void assertVerdict(Verdict expected) {
    CheckResult searched = LinearizabilityChecker.check(new SetModel(), history, Duration.ofSeconds(5));
    assertEquals(expected, searched.verdict(), () -> "search: " + searched);
    CheckResult direct = SetHistoryChecker.check(history);
    assertEquals(expected, direct.verdict(), () -> "direct: " + direct);
  }

  @Test
  void check_everyAcknowledgedAddInTheFinalRead_isOk() {
    add(1, 0, 2, "a");
    add(2, 1, 3, "b");
    add(1, 4, 5, "c");
    read(10, 11, "a", "b", "c");
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_acknowledgedAddMissingFromTheFinalRead_isIllegal() {
    add(1, 0, 2, "a");
    add(2, 1, 3, "b");
    add(1, 4, 5, "c");
    read(10, 11, "a", "c");
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_elementNeverAdded_isIllegal() {
    add(1, 0, 2, "a");
    read(10, 11, "a", "z");
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_unknownAddPresentOrAbsent_isOk() {
    add(1, 0, 2, "a");
    addNoReply(2, 1, "b");
    addNoReply(3, 1, "c");
    read(10, 11, "a", "b"); // b took effect, c did not (or not yet)
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_unknownAddSeenByAReadThatEndedBeforeItsCall_isIllegal() {
    read(0, 1, "b");
    addNoReply(2, 2, "b");
    assertVerdict(Verdict.ILLEGAL);
  }

  @Test
  void check_addStillRunningWhenTheReadStarted_mayBeAbsent() {
    add(1, 0, 2, "a");
    add(2, 5, 20, "b");
    read(10, 11, "a");
    assertVerdict(Verdict.OK);
  }

  @Test
  void check_readSeesALaterAddButNotAnEarlierOneOfTheSameClient_isIllegal() {
    // Both adds overlap the read, but client 1 finished adding a before it began adding b.
    add(1, 1, 3, "a");
    add(1, 4, 6, "b");
    read(0, 10, "b");
    assertVerdict(Verdict.ILLEGAL);
  }
}
