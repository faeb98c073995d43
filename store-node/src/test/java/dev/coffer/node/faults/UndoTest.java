package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.InvalidArgumentException;
import dev.coffer.client.UserRestoreFromBackup;
import dev.coffer.client.NotFoundException;
import dev.coffer.client.ObjectInfo;
import dev.coffer.client.ObjectVersion;
import dev.coffer.client.ReadOptions;
import dev.coffer.client.ReplicaDigest;
import dev.coffer.client.RestoreReport;
import dev.coffer.client.Undeleted;
import dev.coffer.client.Usage;
import dev.coffer.client.VersionConflictException;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Undoing mistakes on real node processes: every version of an object kept and readable,
 * undelete, and a per-user restore to a past time while other users write and the leader is
 * killed with kill -9 in the middle of it.
 */
class UndoTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  Path dir;
  ProcessCluster cluster;
  CofferClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void overwrittenAndDeleted_isUndeleted_andEveryVersionReadsBack() throws Exception {
    cluster = ProcessCluster.start(dir, 3, Map.of());
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), TIMEOUT);
    List<byte[]> written = List.of(bytes("first draft"), bytes("second draft, longer"), bytes("third"));
    List<Long> versions = new ArrayList<>();
    for (byte[] value : written) {
      versions.add(client.put("alice", "notes/todo.txt", value).version());
    }
    assertTrue(client.delete("alice", "notes/todo.txt"));
    assertThrows(NotFoundException.class, () -> client.get("alice", "notes/todo.txt"));

    List<ObjectVersion> listed = client.versions("alice", "notes/todo.txt");
    assertEquals(4, listed.size(), "three versions and the delete: " + listed);
    assertTrue(listed.get(0).deleted());
    for (int i = 0; i < written.size(); i++) {
      ObjectVersion kept = listed.get(3 - i);
      assertEquals(versions.get(i), kept.info().version());
      assertEquals(written.get(i).length, kept.info().size());
      assertFalse(kept.deleted() || kept.current());
      assertTrue(kept.expires().isAfter(Instant.now().plus(Duration.ofDays(6))), "kept for the default 7 days");
      assertArrayEquals(written.get(i), client.get("alice", "notes/todo.txt", versions.get(i)).value());
    }
    assertThrows(NotFoundException.class, () -> client.get("alice", "notes/todo.txt", listed.get(0).info().version()),
        "a delete has no bytes");
    assertEquals(new Usage(0, 0, totalLength(written), 4), client.usage("alice"));

    Undeleted undeleted = client.undelete("alice", "notes/todo.txt");
    assertEquals(versions.get(2), undeleted.restoredVersion());
    assertArrayEquals(written.get(2), client.get("alice", "notes/todo.txt").value());
    assertThrows(VersionConflictException.class, () -> client.undelete("alice", "notes/todo.txt"));
    assertThrows(NotFoundException.class, () -> client.undelete("alice", "never/written"));
    for (int i = 0; i < written.size(); i++) {
      assertArrayEquals(written.get(i), client.get("alice", "notes/todo.txt", versions.get(i)).value(),
          "still readable after the undelete: version " + versions.get(i));
    }
    assertReplicasIdentical();
  }

  @Test
  void restoreUser_underOtherUsersWrites_acrossALeaderKill_restoresExactlyThatUser() throws Exception {
    cluster = ProcessCluster.start(dir, 3, Map.of());
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), TIMEOUT);
    int objects = 3000;
    Map<String, byte[]> before = writeAll("v1", objects, 8 * 1024, 1);
    Instant asOf = Instant.now();
    Thread.sleep(20); // the leader's clock stamps every write: keep "after" clearly after asOf
    Map<String, byte[]> changed = writeAll("v2", objects / 2, 8 * 1024, 2);
    for (int i = objects / 2; i < objects / 2 + objects / 4; i++) {
      client.delete("alice", key(i));
    }
    Map<String, byte[]> created = new HashMap<>();
    for (int i = objects; i < objects + 100; i++) {
      created.put(key(i), bytes("created after " + i));
      client.put("alice", key(i), created.get(key(i)));
    }

    RestoreReport report;
    WriteLoad others;
    try (WriteLoad load = new WriteLoad(client, 2, 100_000, Duration.ofSeconds(60))) {
      others = load;
      Await.until("other users writing", TIMEOUT, () -> load.acknowledgedCount() >= 50);
      String leader = cluster.awaitLeader(TIMEOUT);
      long startIndex = cluster.status(leader).orElseThrow().appliedIndex();
      CompletableFuture<RestoreReport> restore = CompletableFuture.supplyAsync(
          () -> client.restoreUser("alice", asOf, false));
      Await.until("the restore under way", TIMEOUT, () -> usage().versions() > 0
          && restoredSoFar(before) > 0);
      assertFalse(restore.isDone(), "the restore finished before the leader could be killed in its middle");
      cluster.kill(leader);
      report = restore.get(120, java.util.concurrent.TimeUnit.SECONDS);
      cluster.start(leader);
      Await.until("other users wrote after the restore", TIMEOUT, () -> load.acknowledgedCount() >= 100);
      assertTrue(startIndex > 0);
    }
    assertNull(others.unexpectedError(), "other users' writes failed: " + others.unexpectedError());
    assertEquals(objects / 2 + objects / 4, report.restored(), report.toString());
    assertEquals(100, report.deleted(), report.toString());
    assertEquals(0, report.skipped(), report.toString());

    for (int i = 0; i < objects; i++) {
      assertArrayEquals(before.get(key(i)), client.get("alice", key(i)).value(), key(i) + " as it was");
    }
    for (String key : created.keySet()) {
      assertThrows(NotFoundException.class, () -> client.get("alice", key), key + " did not exist then");
    }
    for (Map.Entry<String, byte[]> write : others.acknowledged().entrySet()) {
      String[] userKey = write.getKey().split("\\|", 2);
      assertArrayEquals(write.getValue(), client.get(userKey[0], userKey[1]).value(),
          "another user's acknowledged write " + write.getKey());
    }
    RestoreReport again = client.restoreUser("alice", asOf, true);
    assertEquals(0, again.restored() + again.deleted(), "nothing left to restore: " + again);
    assertArrayEquals(changed.get(key(0)), client.get("alice", key(0),
        client.versions("alice", key(0)).get(1).info().version()).value(), "the restore itself can be undone");
    Await.until("every node caught up", TIMEOUT, () -> cluster.ids().stream()
        .allMatch(id -> cluster.status(id).isPresent()));
    assertReplicasIdentical();
  }

  @Test
  void restoreUser_fromABackup_putsBackExactlyThatUser() throws Exception {
    cluster = ProcessCluster.start(dir.resolve("cluster"), 3, Map.of("versions.retention.seconds", "0"));
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), TIMEOUT);
    Map<String, byte[]> backedUp = writeAll("v1", 300, 2 * 1024, 11);
    client.put("bob", "keep", bytes("bob's before"));
    Path backups = dir.resolve("backups");
    client.backupInto(backups, TIMEOUT);
    Instant afterBackup = Instant.now();

    writeAll("v2", 100, 2 * 1024, 12);
    for (int i = 100; i < 150; i++) {
      client.delete("alice", key(i));
    }
    client.put("alice", key(5000), bytes("created after the backup"));
    client.put("bob", "keep", bytes("bob's after"));
    Path exportTmp = java.nio.file.Files.createDirectories(dir.resolve("export-tmp"));

    UserRestoreFromBackup.Outcome dry = UserRestoreFromBackup.run(client, "alice", backups, afterBackup,
        ProcessCluster.nodeCommand(exportTmp), true);
    assertEquals(List.of(150L, 1L), List.of(dry.report().restored(), dry.report().deleted()), dry.report().toString());
    UserRestoreFromBackup.Outcome done = UserRestoreFromBackup.run(client, "alice", backups, afterBackup,
        ProcessCluster.nodeCommand(exportTmp), false);
    assertEquals(dry.report(), done.report());

    for (Map.Entry<String, byte[]> object : backedUp.entrySet()) {
      assertArrayEquals(object.getValue(), client.get("alice", object.getKey()).value(), object.getKey());
    }
    assertThrows(NotFoundException.class, () -> client.get("alice", key(5000)));
    assertEquals(backedUp.size(), client.listAll("alice", "").count());
    assertArrayEquals(bytes("bob's after"), client.get("bob", "keep").value(), "bob is not touched");
    UserRestoreFromBackup.Outcome again = UserRestoreFromBackup.run(client, "alice", backups, afterBackup,
        ProcessCluster.nodeCommand(exportTmp), false);
    assertEquals(0, again.report().restored() + again.report().deleted(), again.report().toString());
    assertThrows(InvalidArgumentException.class, () -> UserRestoreFromBackup.run(client, "alice", backups,
        afterBackup.minus(Duration.ofHours(1)), ProcessCluster.nodeCommand(exportTmp), false),
        "no backup was taken that early");
    assertReplicasIdentical();
  }

  /** Objects of alice (of the first {@code count} keys) already restored to their bytes of then. */
  private long restoredSoFar(Map<String, byte[]> before) {
    long restored = 0;
    for (int i = 0; i < 20; i++) {
      try {
        ObjectInfo info = client.head("alice", key(i), ReadOptions.stale()).orElse(null);
        restored += info != null && info.crc32c() == crc(before.get(key(i))) ? 1 : 0;
      } catch (RuntimeException e) {
        // not yet
      }
    }
    return restored;
  }

  private Usage usage() {
    return client.usage("alice");
  }

  private Map<String, byte[]> writeAll(String tag, int count, int size, long seed) throws Exception {
    Random random = new Random(seed);
    Map<String, byte[]> values = new HashMap<>();
    List<CompletableFuture<ObjectInfo>> pending = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] value = new byte[size];
      random.nextBytes(value);
      values.put(key(i), value);
      pending.add(client.putAsync("alice", key(i), value));
      if (pending.size() == 64) {
        CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(60, java.util.concurrent.TimeUnit.SECONDS);
        pending.clear();
      }
    }
    CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(60, java.util.concurrent.TimeUnit.SECONDS);
    return values;
  }

  private void assertReplicasIdentical() {
    Await.until("every replica answers the same digest", TIMEOUT, () -> {
      long index = client.markDigest();
      List<ReplicaDigest> digests = new ArrayList<>();
      for (String id : cluster.ids()) {
        digests.add(client.digest(cluster.clientAddress(id), index, TIMEOUT));
      }
      return digests.stream().map(d -> java.util.HexFormat.of().formatHex(d.sha256()))
          .collect(Collectors.toSet()).size() == 1;
    });
  }

  private static String key(int i) {
    return String.format("photos/%05d.jpg", i);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static long totalLength(List<byte[]> values) {
    return values.stream().mapToLong(v -> v.length).sum();
  }

  private static int crc(byte[] value) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(value);
    return (int) crc.getValue();
  }
}
