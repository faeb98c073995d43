package dev.coffer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFilesTest {
  @TempDir
  Path dir;

  @Test
  void writeThenRead_registerHistory_isIdentical() {
    List<Operation<RegisterOp, RegisterResult>> history = List.of(
        Operation.completed(1, RegisterOp.put("a key", "tab\there\nnew line \\ back"), 10, 20, RegisterResult.ok(7)),
        Operation.completed(2, RegisterOp.get("a key"), 11, 21, RegisterResult.value("", 7)),
        Operation.completed(2, RegisterOp.get("k"), 22, 23, RegisterResult.notFound()),
        Operation.completed(3, RegisterOp.delete("k"), 24, 25, RegisterResult.deleted(false)),
        Operation.completed(3, RegisterOp.putIfVersion("k", 9, "\\e"), 26, 27, RegisterResult.conflict()),
        Operation.pending(4, RegisterOp.putIfVersion("k", 9, "x"), 28, RegisterResult.unknown()));
    Path file = dir.resolve("history.txt");
    HistoryFiles.write(file, history, RegisterCodec.INSTANCE);
    assertEquals(history, HistoryFiles.read(file, RegisterCodec.INSTANCE));
  }

  @Test
  void writeThenRead_setHistory_isIdentical() {
    List<Operation<SetOp, SetResult>> history = List.of(
        Operation.completed(1, SetOp.add("a b"), 1, 2, SetResult.ok()),
        Operation.pending(2, SetOp.add("c"), 1, SetResult.unknown()),
        Operation.completed(0, SetOp.read(), 3, 4, SetResult.elements(Set.of("a b", "c", ""))),
        Operation.completed(0, SetOp.read(), 5, 6, SetResult.elements(Set.of())));
    Path file = dir.resolve("set.txt");
    HistoryFiles.write(file, history, SetCodec.INSTANCE);
    assertEquals(history, HistoryFiles.read(file, SetCodec.INSTANCE));
  }

  @Test
  void read_malformedLine_namesFileAndLine() throws IOException {
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, "# client\tcall\treturn\tinput\toutput\n"
        + "1\t2\t3\tget k\tnotFound\n"
        + "1\t2\t3\tfrobnicate k\tok 1\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HistoryFiles.read(file, RegisterCodec.INSTANCE));
    assertTrue(e.getMessage().startsWith(file + ":3: unknown register operation"), e.getMessage());
  }
}
