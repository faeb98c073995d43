package dev.coffer.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.check.HistoryFiles;
import dev.coffer.check.Operation;
import dev.coffer.check.RegisterCodec;
import dev.coffer.check.RegisterOp;
import dev.coffer.check.RegisterResult;
import dev.coffer.check.SetCodec;
import dev.coffer.check.SetOp;
import dev.coffer.check.SetResult;
import dev.coffer.check.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryReplayTest {
  @TempDir
  Path dir;

  @Test
  void keptRegisterHistory_withAStaleRead_isIllegalAgain() {
    Path file = dir.resolve("register.history");
    HistoryFiles.write(file, List.of(
        Operation.completed(1, RegisterOp.put("k", "v1"), 0, 10, RegisterResult.ok(1)),
        Operation.completed(1, RegisterOp.put("k", "v2"), 20, 30, RegisterResult.ok(2)),
        Operation.completed(2, RegisterOp.get("k"), 40, 50, RegisterResult.value("v1", 1))), RegisterCodec.INSTANCE);
    assertEquals(Verdict.ILLEGAL, HistoryReplay.check(file).verdict());
  }

  @Test
  void keptHistories_thatAreLinearizable_areOk() {
    HistoryFiles.write(dir.resolve("register.history"), List.of(
        Operation.completed(1, RegisterOp.put("k", "v1"), 0, 10, RegisterResult.ok(1)),
        Operation.completed(2, RegisterOp.get("k"), 5, 50, RegisterResult.value("v1", 1))), RegisterCodec.INSTANCE);
    HistoryFiles.write(dir.resolve("set.history"), List.of(
        Operation.completed(1, SetOp.add("a"), 0, 10, SetResult.ok()),
        Operation.completed(0, SetOp.read(), 20, 30, SetResult.elements(Set.of("a")))), SetCodec.INSTANCE);
    assertEquals(Verdict.OK, HistoryReplay.check(dir.resolve("register.history")).verdict());
    assertEquals(Verdict.OK, HistoryReplay.check(dir.resolve("set.history")).verdict());
  }

  @Test
  void keptSetHistory_missingAnAcknowledgedAdd_isIllegal() {
    Path file = dir.resolve("set.history");
    HistoryFiles.write(file, List.of(
        Operation.completed(1, SetOp.add("a"), 0, 10, SetResult.ok()),
        Operation.completed(0, SetOp.read(), 20, 30, SetResult.elements(Set.of()))), SetCodec.INSTANCE);
    assertEquals(Verdict.ILLEGAL, HistoryReplay.check(file).verdict());
  }

  @Test
  void fileWithAnotherName_isRefusedWithTheReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HistoryReplay.check(dir.resolve("history.txt")));
    assertTrue(e.getMessage().contains("register.history or set.history"), e.getMessage());
  }
}
