package dev.coffer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SetHistoryCheckerTest {
  private final List<Operation<SetOp, SetResult>> history = new ArrayList<>();

  private void add(int client, long call, long ret, String element) {
    history.add(Operation.completed(client, SetOp.add(element), call, ret, SetResult.ok()));
  }

  private void addNoReply(int client, long call, String element) {
    history.add(Operation.pending(client, SetOp.add(element), call, SetResult.unknown()));
  }

  private void read(long call, long ret, Set<String> elements) {
    history.add(Operation.completed(0, SetOp.read(), call, ret, SetResult.elements(elements)));
  }

  @Test
  void check_largeHistoryWithManyUnknownAdds_isDecidedQuickly() {
    Set<String> seen = new HashSet<>();
    long t = 0;
    for (int round = 0; round < 1000; round++) {
      for (int client = 1; client <= 8; client++) {
        String e = round + "-" + client;
        if ((round + client) % 7 == 0) {
          addNoReply(client, t + client, e);
          if (round % 2 == 0) {
            seen.add(e);
          }
        } else {
          add(client, t + client, t + client + 12, e); // overlaps the next round's adds
          seen.add(e);
        }
      }
      t += 10;
    }
    long start = System.nanoTime();
    read(t + 100, t + 101, seen);
    assertEquals(Verdict.OK, SetHistoryChecker.check(history).verdict());

    history.remove(history.size() - 1);
    seen.remove("100-1"); // an acknowledged add
    read(t + 100, t + 101, seen);
    CheckResult result = SetHistoryChecker.check(history);
    assertEquals(Verdict.ILLEGAL, result.verdict());
    assertTrue(result.toString().contains("as the read did not see 100-1"), result::toString);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
  }

  @Test
  void check_violation_isExplainedAsACircleOfConstraints() {
    add(1, 1, 3, "a");
    add(1, 4, 6, "b");
    read(0, 10, Set.of("b"));
    CheckResult result = SetHistoryChecker.check(history);
    assertEquals(Verdict.ILLEGAL, result.verdict());
    String why = result.problems().get(0).explanation();
    assertTrue(why.contains("as the read saw b"), why);
    assertTrue(why.contains("as the read did not see a"), why);
    assertTrue(why.contains("as it returned before that was called"), why);
  }

  @Test
  void check_sameElementAddedTwice_isRejected() {
    add(1, 0, 1, "a");
    add(2, 2, 3, "a");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SetHistoryChecker.check(history));
    assertTrue(e.getMessage().contains("element a is added twice"), e.getMessage());
  }

  @Test
  void check_randomSmallHistories_agreesWithTheSearch() {
    Random random = new Random(7);
    int illegal = 0;
    for (int round = 0; round < 500; round++) {
      history.clear();
      // Adds take effect at a random instant within their interval (or, without a reply, perhaps
      // never); reads see what took effect before them, and a third of them are then tampered with.
      long[] effectAt = new long[6];
      for (int i = 0; i < effectAt.length; i++) {
        long call = random.nextInt(40);
        long ret = call + 1 + random.nextInt(15);
        effectAt[i] = call + random.nextInt((int) (ret - call));
        if (random.nextInt(4) == 0) {
          addNoReply(i % 3, call, "e" + i);
          effectAt[i] = random.nextBoolean() ? Long.MAX_VALUE : effectAt[i] + random.nextInt(30);
        } else {
          add(i % 3, call, ret, "e" + i);
        }
      }
      for (int r = 0; r < 2; r++) {
        long call = random.nextInt(50);
        long ret = call + 1 + random.nextInt(10);
        long at = call + random.nextInt((int) (ret - call));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < effectAt.length; i++) {
          if (effectAt[i] < at) {
            seen.add("e" + i);
          }
        }
        if (random.nextInt(3) == 0) {
          String e = "e" + random.nextInt(effectAt.length);
          if (!seen.remove(e)) {
            seen.add(e);
          }
        }
        read(call, ret, seen);
      }
      CheckResult searched = LinearizabilityChecker.check(new SetModel(), history, Duration.ofSeconds(5));
      CheckResult direct = SetHistoryChecker.check(history);
      assertEquals(searched.verdict(), direct.verdict(), () -> history + "\nsearch: " + searched + "\ndirect: " + direct);
      illegal += direct.verdict() == Verdict.ILLEGAL ? 1 : 0;
    }
    // The generator must exercise both verdicts for the agreement to mean anything.
    assertTrue(illegal > 50 && illegal < 450, "illegal histories: " + illegal);
  }
}
