package dev.coffer.node.storage;

import static dev.coffer.node.storage.TestEntries.bytes;
import static dev.coffer.node.storage.TestEntries.delete;
import static dev.coffer.node.storage.TestEntries.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.proto.Command;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.Response;
import dev.coffer.proto.RestoreUserRequest;
import dev.coffer.proto.RestoreUserResult;
import dev.coffer.proto.Status;
import dev.coffer.proto.UndeleteRequest;
import dev.coffer.proto.UsageResult;
import dev.coffer.proto.VersionInfo;
import dev.coffer.proto.VersionsResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions, undelete, expiry and per-user restore, applied to a real RocksDB store. */
class BlobStoreVersionsTest {
  private static final long RETENTION = 100_000;

  @TempDir Path dir;
  private BlobStore store;
  private long nextIndex = 1;

  @BeforeEach
  void open() {
    store = BlobStore.open(dir.resolve("db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Applies one command as the next entry, at {@code millis}, with {@code retention}. */
  private Response apply(long millis, long retention, Command command) {
    LogEntry entry = LogEntry.newBuilder().setTimestampMillis(millis).setVersionRetentionMillis(retention)
        .addCommands(command).build();
    return store.apply(1, nextIndex++, entry).get(0);
  }

  private Response apply(long millis, Command command) {
    return apply(millis, RETENTION, command);
  }

  private VersionsResult versions(String key) {
    try (ReadView view = store.readView()) {
      return view.versions("alice", bytes(key), 0, 100, RETENTION);
    }
  }

  private String valueAt(String key, long version) {
    try (ReadView view = store.readView()) {
      return view.getVersion("alice", bytes(key), version).map(r -> r.getValue().toStringUtf8()).orElse(null);
    }
  }

  private String current(String key) {
    return store.get("alice", bytes(key)).map(r -> r.getValue().toStringUtf8()).orElse(null);
  }

  private static Command undelete(String key) {
    return Command.newBuilder().setUndelete(UndeleteRequest.newBuilder().setUser("alice").setKey(bytes(key))).build();
  }

  @Test
  void overwriteAndDelete_keepEveryVersion_readableByVersion_andUndeleteBringsBackTheNewest() {
    long v1 = apply(1_000, put("alice", "k", "one")).getPut().getMeta().getVersion();
    long v2 = apply(2_000, put("alice", "k", "two!")).getPut().getMeta().getVersion();
    long deleted = apply(3_000, delete("alice", "k")).getDelete().getVersion();

    List<VersionInfo> listed = versions("k").getVersionsList();
    assertEquals(3, listed.size());
    assertEquals(deleted, listed.get(0).getMeta().getVersion());
    assertTrue(listed.get(0).getDeleted());
    assertEquals(v2, listed.get(1).getMeta().getVersion());
    assertEquals(4, listed.get(1).getMeta().getSize());
    assertEquals(3_000 + RETENTION, listed.get(1).getExpiresMillis());
    assertEquals(v1, listed.get(2).getMeta().getVersion());
    assertEquals("one", valueAt("k", v1));
    assertEquals("two!", valueAt("k", v2));
    assertEquals(null, valueAt("k", deleted), "a delete has no value");
    assertEquals(UsageResult.newBuilder().setVersionBytes(7).setVersions(3).build(), store.usage("alice"));

    Response undone = apply(4_000, undelete("k"));
    assertEquals(Status.OK, undone.getStatus(), undone.getErrorMessage());
    assertEquals(v2, undone.getUndelete().getRestoredVersion());
    assertEquals("two!", current("k"));
    assertEquals(1_000, undone.getUndelete().getMeta().getCreatedMillis(), "the object keeps its creation time");
    assertTrue(versions("k").getVersions(0).getCurrent());
    assertEquals(Status.VERSION_CONFLICT, apply(5_000, undelete("k")).getStatus(), "nothing to undelete");
    assertEquals(Status.NOT_FOUND, apply(5_000, undelete("never")).getStatus());
  }

  @Test
  void keptVersions_expireByEntryTimestamps_boundedPerEntry_andUsageFollows() {
    int writes = VersionExpiry.MAX_PER_ENTRY + 10;
    for (int i = 0; i < writes; i++) {
      apply(1_000, put("alice", "k", "v" + i));
    }
    assertEquals(writes - 1, store.usage("alice").getVersions());
    apply(1_000 + RETENTION - 1, put("alice", "other", "x"));
    assertEquals(writes - 1, store.usage("alice").getVersions(), "not yet expired");

    apply(1_000 + RETENTION, put("alice", "other", "y"));
    UsageResult usage = store.usage("alice");
    assertEquals(writes - 1 - VersionExpiry.MAX_PER_ENTRY + 1, usage.getVersions(),
        "one entry forgets at most " + VersionExpiry.MAX_PER_ENTRY + " (and keeps the version it supersedes)");
    apply(1_000 + RETENTION, put("alice", "third", "z"));
    assertEquals(1, store.usage("alice").getVersions(), "the backlog is forgotten by the next entries");
    assertEquals(1, versions("other").getVersionsCount() - 1, "the version of 'other' superseded now is kept");
    assertEquals(1, versions("k").getVersionsCount(), "only the current version of k is left");
  }

  @Test
  void retentionZero_keepsNothing_andForgetsWhatWasKept() {
    apply(1_000, put("alice", "k", "one"));
    apply(2_000, put("alice", "k", "two"));
    assertEquals(1, store.usage("alice").getVersions());
    apply(3_000, 0, put("alice", "k", "three"));
    assertEquals(0, store.usage("alice").getVersions());
    assertEquals(1, versions("k").getVersionsCount());
  }

  @Test
  void entriesWithoutRetention_fromOlderNodes_keepAndForgetNothing() {
    apply(1_000, put("alice", "k", "one"));
    apply(2_000, put("alice", "k", "two"));
    LogEntry old = LogEntry.newBuilder().setTimestampMillis(10_000_000).addCommands(put("alice", "k", "three")).build();
    store.apply(1, nextIndex++, old);
    assertEquals(1, store.usage("alice").getVersions(), "the kept version stays, none is added");
  }

  @Test
  void restoreUser_putsEveryObjectBackAsItWas_asNewVersions_andLeavesOtherUsersAlone() {
    apply(1_000, put("alice", "changed", "old"));
    apply(1_000, put("alice", "deleted", "gone"));
    apply(1_000, put("alice", "same", "same"));
    apply(1_000, put("bob", "changed", "bob's"));
    long asOf = 1_500;
    apply(2_000, put("alice", "changed", "new"));
    apply(2_000, delete("alice", "deleted"));
    apply(2_000, put("alice", "created", "later"));
    apply(2_000, put("bob", "changed", "bob's new"));
    byte[] bobBefore = bobDigest();

    RestoreUserResult dry = restore(3_000, asOf, true);
    assertEquals(List.of(4L, 2L, 1L, 1L), List.of(dry.getExamined(), dry.getRestored(), dry.getDeleted(),
        dry.getUnchanged()), dry.toString());
    assertEquals("new", current("changed"), "a dry run changes nothing");

    RestoreUserResult done = restore(3_000, asOf, false);
    assertEquals(dry.getRestored() + dry.getDeleted(), done.getRestored() + done.getDeleted(), done.toString());
    assertEquals("old", current("changed"));
    assertEquals("gone", current("deleted"));
    assertEquals("same", current("same"));
    assertEquals(null, current("created"));
    assertArrayEquals(bobBefore, bobDigest(), "another user's objects are untouched");
    assertEquals("bob's new", store.get("bob", bytes("changed")).get().getValue().toStringUtf8());

    RestoreUserResult again = restore(4_000, asOf, false);
    assertEquals(0, again.getRestored() + again.getDeleted(), "a second run changes nothing: " + again);
    assertEquals("new", valueAt("changed", versions("changed").getVersions(1).getMeta().getVersion()),
        "the restore can be undone: the replaced version is kept");
  }

  @Test
  void restoreUser_outsideTheWindow_isRefused() {
    apply(1_000, put("alice", "k", "v"));
    Response tooOld = apply(1_000 + RETENTION + 1, restoreCommand(1_000 - 1, false, com.google.protobuf.ByteString.EMPTY));
    assertEquals(Status.INVALID_ARGUMENT, tooOld.getStatus());
    assertTrue(tooOld.getErrorMessage().contains("backup"), tooOld.getErrorMessage());
    assertEquals(Status.INVALID_ARGUMENT, apply(2_000, restoreCommand(5_000, false,
        com.google.protobuf.ByteString.EMPTY)).getStatus(), "the future");
  }

  @Test
  void restoreUser_largeUser_runsInBoundedSteps() {
    int objects = UserRestore.MAX_KEYS * 2 + 7;
    for (int i = 0; i < objects; i++) {
      apply(1_000, put("alice", String.format("k%04d", i), "old" + i));
    }
    for (int i = 0; i < objects; i++) {
      apply(2_000, put("alice", String.format("k%04d", i), "new" + i));
    }
    RestoreUserResult total = RestoreUserResult.getDefaultInstance();
    com.google.protobuf.ByteString cursor = com.google.protobuf.ByteString.EMPTY;
    int steps = 0;
    while (true) {
      Response step = apply(3_000, restoreCommand(1_500, false, cursor));
      assertEquals(Status.OK, step.getStatus(), step.getErrorMessage());
      steps++;
      assertTrue(step.getRestoreUser().getExamined() <= UserRestore.MAX_KEYS);
      total = total.toBuilder().setRestored(total.getRestored() + step.getRestoreUser().getRestored()).build();
      if (step.getRestoreUser().getDone()) {
        break;
      }
      cursor = step.getRestoreUser().getNextCursor();
      assertTrue(steps < 100, "the restore never finished");
    }
    assertEquals(objects, total.getRestored());
    assertTrue(steps >= 3, "took " + steps + " steps");
    for (int i = 0; i < objects; i++) {
      assertEquals("old" + i, current(String.format("k%04d", i)));
    }
  }

  private RestoreUserResult restore(long millis, long asOf, boolean dryRun) {
    RestoreUserResult.Builder total = RestoreUserResult.newBuilder();
    com.google.protobuf.ByteString cursor = com.google.protobuf.ByteString.EMPTY;
    while (true) {
      Response step = apply(millis, restoreCommand(asOf, dryRun, cursor));
      assertEquals(Status.OK, step.getStatus(), step.getErrorMessage());
      RestoreUserResult r = step.getRestoreUser();
      total.setExamined(total.getExamined() + r.getExamined()).setRestored(total.getRestored() + r.getRestored())
          .setDeleted(total.getDeleted() + r.getDeleted()).setUnchanged(total.getUnchanged() + r.getUnchanged())
          .setSkipped(total.getSkipped() + r.getSkipped());
      if (r.getDone()) {
        return total.build();
      }
      assertFalse(r.getNextCursor().isEmpty());
      cursor = r.getNextCursor();
    }
  }

  private static Command restoreCommand(long asOf, boolean dryRun, com.google.protobuf.ByteString cursor) {
    return Command.newBuilder().setRestoreUser(RestoreUserRequest.newBuilder().setUser("alice")
        .setAsOfMillis(asOf).setDryRun(dryRun).setCursor(cursor)).build();
  }

  private byte[] bobDigest() {
    StringBuilder all = new StringBuilder();
    try (ReadView view = store.readView()) {
      view.list("bob", bytes(""), bytes(""), 1000).getObjectsList().forEach(m -> all.append(m));
      all.append(view.versions("bob", bytes("changed"), 0, 100, RETENTION));
      all.append(view.usage("bob"));
    }
    return all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
