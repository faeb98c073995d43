package dev.coffer.node.storage;

import static dev.coffer.node.storage.TestEntries.bytes;
import static dev.coffer.node.storage.TestEntries.command;
import static dev.coffer.node.storage.TestEntries.delete;
import static dev.coffer.node.storage.TestEntries.entry;
import static dev.coffer.node.storage.TestEntries.put;
import static dev.coffer.node.storage.TestEntries.putRequest;
import static dev.coffer.node.storage.TestEntries.writeId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.proto.LogEntry;
import dev.coffer.proto.UsageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay, restart, digest, checkpoint and restore of the store on disk. */
class BlobStoreDurabilityTest {

  @TempDir Path dir;

  private static final List<LogEntry> HISTORY = List.of(
      entry(1000, put("alice", "a", "1"), put("bob", "b", "22")),
      entry(2000, command(putRequest("alice", "c", "333").setWriteId(writeId("cl", 1, 1)))),
      entry(3000, delete("bob", "b"), put("alice", "a", "4444")));

  /** Applies HISTORY at indexes 1.. in term 2. */
  private static void feed(BlobStore store) {
    for (int i = 0; i < HISTORY.size(); i++) {
      store.apply(2, i + 1, HISTORY.get(i));
    }
  }

  @Test
  void open_emptyStore_isAtTermAndIndexZero() {
    try (BlobStore store = BlobStore.open(dir.resolve("db"))) {
      assertEquals(0, store.appliedIndex());
      assertEquals(0, store.appliedTerm());
      feed(store);
      assertEquals(3, store.appliedIndex());
      assertEquals(2, store.appliedTerm());
    }
  }

  @Test
  void apply_indexAtOrBelowApplied_returnsEmptyAndChangesNothing() {
    try (BlobStore store = BlobStore.open(dir.resolve("db"))) {
      feed(store);
      byte[] before = store.digest();

      assertEquals(List.of(), store.apply(2, 3, entry(9000, put("alice", "a", "changed"))));
      assertEquals(List.of(), store.apply(2, 1, entry(9000, put("alice", "new", "x"))));

      assertArrayEquals(before, store.digest());
      assertEquals(3, store.appliedIndex());
      assertEquals(bytes("4444"), store.get("alice", bytes("a")).orElseThrow().getValue());
    }
  }

  @Test
  void close_thenReopen_keepsDataAndAppliedPosition() {
    byte[] digest;
    try (BlobStore store = BlobStore.open(dir.resolve("db"))) {
      feed(store);
      digest = store.digest();
    }
    try (BlobStore reopened = BlobStore.open(dir.resolve("db"))) {
      assertEquals(3, reopened.appliedIndex());
      assertEquals(2, reopened.appliedTerm());
      assertArrayEquals(digest, reopened.digest());
      assertEquals(bytes("333"), reopened.get("alice", bytes("c")).orElseThrow().getValue());
      assertEquals(UsageResult.newBuilder().setBytes(7).setObjects(2).build(),
          reopened.usage("alice"));
      // The session survived too: the retry is answered, not applied.
      assertEquals(2, reopened.apply(2, 4, HISTORY.get(1)).get(0).getPut().getMeta()
          .getVersion());
    }
  }

  @Test
  void digest_sameEntries_equalOnTwoStores_differentData_differs() {
    try (BlobStore first = BlobStore.open(dir.resolve("one"));
        BlobStore second = BlobStore.open(dir.resolve("two"));
        BlobStore third = BlobStore.open(dir.resolve("three"))) {
      feed(first);
      feed(second);
      third.apply(2, 1, HISTORY.get(0));
      third.apply(2, 2, HISTORY.get(1));
      third.apply(2, 3, entry(3000, delete("bob", "b"), put("alice", "a", "4445")));

      assertArrayEquals(first.digest(), second.digest());
      assertEquals(32, first.digest().length);
      assertFalse(Arrays.equals(first.digest(), third.digest()));
    }
  }

  @Test
  void checkpoint_thenReplaceWith_reopensWithSameStateAndPosition() throws Exception {
    Path checkpoint = dir.resolve("snapshots/snap-1");
    byte[] digest;
    try (BlobStore store = BlobStore.open(dir.resolve("db"))) {
      feed(store);
      digest = store.digest();
      store.checkpoint(checkpoint);
      assertThrows(IllegalArgumentException.class, () -> store.checkpoint(checkpoint));
      // Writes after the checkpoint must not reach it.
      store.apply(2, 4, entry(4000, put("alice", "late", "x")));
    }
    // The snapshot layer may keep its own files (checksums) beside RocksDB's.
    Files.writeString(checkpoint.resolve("CURRENT.md5"), "not a RocksDB file");

    Path restored = dir.resolve("restored");
    BlobStore.replaceWith(checkpoint, restored);
    assertTablesAreHardLinked(restored);
    try (BlobStore store = BlobStore.open(restored)) {
      assertEquals(3, store.appliedIndex());
      assertEquals(2, store.appliedTerm());
      assertArrayEquals(digest, store.digest());
      assertTrue(store.head("alice", bytes("late")).isEmpty());
      store.apply(2, 4, entry(4000, put("alice", "after", "restore")));
    }
    // Writing to the restored copy left the checkpoint as it was.
    Path again = dir.resolve("again");
    BlobStore.replaceWith(checkpoint, again);
    try (BlobStore store = BlobStore.open(again)) {
      assertArrayEquals(digest, store.digest());
    }
  }

  /** Table files are immutable, so replaceWith links them instead of copying. */
  private static void assertTablesAreHardLinked(Path db) throws Exception {
    List<Path> tables;
    try (Stream<Path> files = Files.list(db)) {
      tables = files.filter(f -> f.toString().endsWith(".sst")).toList();
    }
    assertFalse(tables.isEmpty());
    for (Path table : tables) {
      assertTrue((Integer) Files.getAttribute(table, "unix:nlink") > 1, table.toString());
    }
  }

  @Test
  void replaceWith_existingDatabase_isReplacedEntirely() {
    Path checkpoint = dir.resolve("snap");
    byte[] digest;
    try (BlobStore source = BlobStore.open(dir.resolve("source"))) {
      feed(source);
      digest = source.digest();
      source.checkpoint(checkpoint);
    }
    Path db = dir.resolve("db");
    try (BlobStore stale = BlobStore.open(db)) {
      stale.apply(7, 1, entry(1, put("carol", "only-here", "x")));
    }

    BlobStore.replaceWith(checkpoint, db);

    try (BlobStore store = BlobStore.open(db)) {
      assertArrayEquals(digest, store.digest());
      assertTrue(store.head("carol", bytes("only-here")).isEmpty());
    }
    assertFalse(Files.exists(CheckpointFiles.sibling(db, ".incoming")));
    assertFalse(Files.exists(CheckpointFiles.sibling(db, ".old")));
  }

  @Test
  void open_afterCrashBetweenTheTwoRenames_finishesTheReplacement() throws Exception {
    Path checkpoint = dir.resolve("snap");
    byte[] digest;
    try (BlobStore source = BlobStore.open(dir.resolve("source"))) {
      feed(source);
      digest = source.digest();
      source.checkpoint(checkpoint);
    }
    Path db = dir.resolve("db");
    // The state replaceWith leaves if it dies after moving the old database aside.
    Path incoming = CheckpointFiles.sibling(db, ".incoming");
    BlobStore.replaceWith(checkpoint, incoming);
    Files.createDirectory(CheckpointFiles.sibling(db, ".old"));

    try (BlobStore store = BlobStore.open(db)) {
      assertArrayEquals(digest, store.digest());
    }
    assertFalse(Files.exists(incoming));
    assertFalse(Files.exists(CheckpointFiles.sibling(db, ".old")));
  }

  @Test
  void open_afterCrashDuringCopy_keepsTheOldDatabase() throws Exception {
    Path db = dir.resolve("db");
    byte[] digest;
    try (BlobStore store = BlobStore.open(db)) {
      feed(store);
      digest = store.digest();
    }
    Path incoming = CheckpointFiles.sibling(db, ".incoming");
    Files.createDirectories(incoming);
    Files.writeString(incoming.resolve("MANIFEST-000001"), "half a copy");

    try (BlobStore store = BlobStore.open(db)) {
      assertArrayEquals(digest, store.digest());
    }
    assertFalse(Files.exists(incoming));
  }

  @Test
  void replaceWith_missingCheckpoint_failsAndKeepsTheDatabase() {
    Path db = dir.resolve("db");
    try (BlobStore store = BlobStore.open(db)) {
      feed(store);
    }

    StorageException e = assertThrows(StorageException.class,
        () -> BlobStore.replaceWith(dir.resolve("no-such-snapshot"), db));

    assertTrue(e.getMessage().contains("no-such-snapshot"));
    try (BlobStore store = BlobStore.open(db)) {
      assertEquals(3, store.appliedIndex());
    }
  }

  @Test
  void open_databaseAlreadyOpen_throwsStorageExceptionWithPath() {
    Path db = dir.resolve("db");
    try (BlobStore store = BlobStore.open(db)) {
      StorageException e = assertThrows(StorageException.class, () -> BlobStore.open(db));
      assertTrue(e.getMessage().startsWith("opening RocksDB at " + db), e.getMessage());
    }
  }

  @Test
  void readView_keepsItsSnapshotWhileLaterEntriesApply() {
    try (BlobStore store = BlobStore.open(dir.resolve("db"))) {
      store.apply(1, 1, entry(1, put("alice", "k", "old")));
      try (ReadView view = store.readView()) {
        store.apply(1, 2, entry(2, put("alice", "k", "new"), put("alice", "j", "x")));

        assertEquals(1, view.appliedIndex());
        assertEquals(bytes("old"), view.get("alice", bytes("k")).orElseThrow().getValue());
        assertEquals(1, view.usage("alice").getObjects());
      }
      assertEquals(bytes("new"), store.get("alice", bytes("k")).orElseThrow().getValue());
    }
  }

  @Test
  void approximateSizeBytes_growsWithData() {
    try (BlobStore store = BlobStore.open(dir.resolve("db"))) {
      long empty = store.approximateSizeBytes();
      store.apply(1, 1, entry(1, put("alice", "k", "v".repeat(100_000))));
      assertTrue(store.approximateSizeBytes() > empty + 100_000);
    }
  }

  @Test
  void close_twiceIsHarmless_andLaterUseFailsClearly() {
    BlobStore store = BlobStore.open(dir.resolve("db"));
    store.close();
    store.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> store.get("alice", bytes("k")));
    assertTrue(e.getMessage().contains("closed"));
  }
}
