package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.node.storage.BlobStore;
import dev.coffer.proto.Command;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.PutRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot reuses the MD5s of the table files it shares with the one before (hard links to the
 * same file), hashes only the new ones, and every file still verifies against its MD5.
 */
class SnapshotMd5ReuseTest {
  @TempDir
  Path dir;

  @Test
  void take_secondSnapshot_reusesMd5OfUnchangedTablesAndVerifies() throws IOException {
    CheckpointSnapshotStorage snapshots = new CheckpointSnapshotStorage(dir.resolve("snapshots"));
    snapshots.init(null);
    try (BlobStore store = BlobStore.open(dir.resolve("db"))) {
      store.apply(1, 1, entry("a"));
      snapshots.take(store); // flushes "a" into a table file
      Path first = snapshots.latestDir();

      store.apply(1, 2, entry("b"));
      snapshots.take(store); // a new table for "b"; the table holding "a" is shared
      Path second = snapshots.latestDir();

      Set<String> shared = tables(first);
      shared.retainAll(tables(second));
      assertFalse(shared.isEmpty(), "the second checkpoint shares no table with the first");
      for (String table : shared) {
        assertTrue(Files.isSameFile(first.resolve(table), second.resolve(table)));
        assertEquals(Files.readString(md5Of(first.resolve(table))), Files.readString(md5Of(second.resolve(table))));
      }
      assertTrue(tables(second).size() > shared.size(), "the second checkpoint has no table of its own");
      assertDoesNotThrow(() -> CheckpointSnapshotStorage.verify(second));
      for (String table : tables(second)) {
        assertTrue(Files.exists(md5Of(second.resolve(table))), table + " has no MD5");
      }
    }
  }

  private static Path md5Of(Path file) {
    return MD5FileUtil.getDigestFileForFile(file.toFile()).toPath();
  }

  private static Set<String> tables(Path snapshotDir) throws IOException {
    try (Stream<Path> files = Files.list(snapshotDir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sst")).collect(Collectors.toSet());
    }
  }

  private static LogEntry entry(String key) {
    ByteString value = ByteString.copyFromUtf8("value of " + key);
    CRC32C crc = new CRC32C();
    crc.update(value.toByteArray());
    PutRequest put = PutRequest.newBuilder().setUser("alice").setKey(ByteString.copyFromUtf8(key)).setValue(value)
        .setCrc32C((int) crc.getValue()).build();
    return LogEntry.newBuilder().setTimestampMillis(1000).addAllCommands(List.of(Command.newBuilder().setPut(put).build()))
        .build();
  }
}
