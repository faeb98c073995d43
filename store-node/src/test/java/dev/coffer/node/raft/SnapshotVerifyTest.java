package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot's files are checked against their MD5s before a store is restored from them. */
class SnapshotVerifyTest {
  @TempDir
  Path dir;

  @Test
  void verify_fileChangedAfterItsMd5_refused() throws IOException {
    Path file = Files.writeString(dir.resolve("000012.sst"), "the table as it was");
    MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
    assertDoesNotThrow(() -> CheckpointSnapshotStorage.verify(dir));

    Files.writeString(file, ""); // what a power cut leaves of a file never fsynced
    assertThrows(IOException.class, () -> CheckpointSnapshotStorage.verify(dir));
  }
}
