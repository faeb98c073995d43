package dev.coffer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomHistoryTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  private static CheckResult check(List<Operation<RegisterOp, RegisterResult>> history) {
    return LinearizabilityChecker.check(new RegisterModel(), history, LIMIT);
  }

  @Test
  void check_randomSequentialHistory_isOk() {
    List<Operation<RegisterOp, RegisterResult>> history = new RandomRegisterHistory(42).generate(4000, 4, 0, 0);
    CheckResult result = check(history);
    assertEquals(Verdict.OK, result.verdict(), result::toString);
    assertEquals(4, result.partitions().size());
  }

  @Test
  void check_randomSequentialHistoryWithOneReadChanged_isIllegal() {
    List<Operation<RegisterOp, RegisterResult>> history = new RandomRegisterHistory(42).generate(4000, 4, 0, 0);
    List<Operation<RegisterOp, RegisterResult>> changed = RandomRegisterHistory.withReadChanged(history, 500);
    CheckResult result = check(changed);
    assertEquals(Verdict.ILLEGAL, result.verdict(), result::toString);
    String changedKey = changed.stream().filter(op -> op.output().kind() == RegisterResult.Kind.VALUE
        && op.output().value().endsWith("-changed")).findFirst().orElseThrow().input().key();
    assertEquals(List.of(changedKey), result.partitions().stream()
        .filter(p -> p.verdict() == Verdict.ILLEGAL).map(PartitionResult::partition).toList());
  }

  @Test
  void check_randomConcurrentHistoryWithLostReplies_isOk() {
    for (int i = 1; i <= 5; i++) {
      long seed = i;
      List<Operation<RegisterOp, RegisterResult>> history = new RandomRegisterHistory(seed).generate(2000, 3, 40, 5);
      CheckResult result = check(history);
      assertEquals(Verdict.OK, result.verdict(), () -> "seed " + seed + ": " + result);
    }
  }

  @Test
  void check_randomConcurrentHistoryWithOneReadChanged_isIllegal() {
    for (int i = 1; i <= 5; i++) {
      long seed = i;
      List<Operation<RegisterOp, RegisterResult>> history = new RandomRegisterHistory(seed).generate(2000, 3, 40, 5);
      CheckResult result = check(RandomRegisterHistory.withReadChanged(history, 100));
      assertEquals(Verdict.ILLEGAL, result.verdict(), () -> "seed " + seed + ": " + result);
    }
  }
}
