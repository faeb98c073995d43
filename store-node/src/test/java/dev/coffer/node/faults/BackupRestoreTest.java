package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.BackupCheck;
import dev.coffer.client.BackupFile;
import dev.coffer.client.BackupManifest;
import dev.coffer.client.BackupOutcome;
import dev.coffer.client.BackupTrial;
import dev.coffer.client.BackupRestore;
import dev.coffer.client.BackupVerifier;
import dev.coffer.client.Blob;
import dev.coffer.client.CofferClient;
import dev.coffer.client.InvalidArgumentException;
import dev.coffer.client.ObjectInfo;
import dev.coffer.client.ReplicaDigest;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.ProcessCluster;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore on real node processes: a backup taken while writers keep writing holds
 * exactly the writes acknowledged up to its index, byte for byte, and a new cluster restored from
 * it serves exactly that, agrees across replicas, and takes new writes.
 */
class BackupRestoreTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int WRITERS = 4;

  @TempDir
  Path dir;
  ProcessCluster source;
  ProcessCluster restored;
  CofferClient client;
  CofferClient restoredClient;

  @AfterEach
  void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {restoredClient, restored, client, source}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the others
      }
    }
  }

  @Test
  void backupWhileWriting_restoredClusterHoldsExactlyTheWritesUpToTheBackupIndex() throws Exception {
    source = ProcessCluster.start(dir.resolve("source"), 3, Map.of());
    client = CofferClient.builder().endpoints(source.endpoints()).operationTimeout(Duration.ofSeconds(60)).build();
    Path backupDir = dir.resolve("backup");

    BackupManifest manifest;
    Map<String, byte[]> acknowledged;
    Map<String, Long> versions;
    try (WriteLoad load = new WriteLoad(client, WRITERS, 100_000, Duration.ofSeconds(60))) {
      Await.until("writes under way", TIMEOUT, () -> load.acknowledgedCount() >= 300);
      manifest = client.backup(backupDir, TIMEOUT);
      int atBackupEnd = load.acknowledgedCount();
      Await.until("writes after the backup", TIMEOUT, () -> load.acknowledgedCount() >= atBackupEnd + 200);
      load.close();
      assertNull(load.unexpectedError());
      acknowledged = Map.copyOf(load.acknowledged());
      versions = Map.copyOf(load.versions());
    }

    BackupCheck check = BackupVerifier.verify(backupDir);
    assertTrue(check.intact(), () -> "problems: " + check.problems());
    assertEquals(manifest, check.manifest().orElseThrow(), "manifest.json says what the node said");
    assertDamageIsCaught(check.dir(), manifest);

    // The source cluster is gone: the restored one owes it nothing.
    source.close();
    client.close();
    Path restoredRoot = dir.resolve("restored");
    BackupRestore.restore(backupDir, restoredRoot, 3);
    assertTrue(Files.exists(restoredRoot.resolve(BackupRestore.MARKER)));
    restored = ProcessCluster.startRestored(restoredRoot, 3, Map.of());
    restoredClient = CofferClient.builder().endpoints(restored.endpoints())
        .operationTimeout(Duration.ofSeconds(60)).build();

    long index = manifest.index();
    List<String> upToIndex = versions.entrySet().stream().filter(e -> e.getValue() <= index)
        .map(Map.Entry::getKey).sorted().toList();
    List<String> afterIndex = versions.entrySet().stream().filter(e -> e.getValue() > index)
        .map(Map.Entry::getKey).sorted().toList();
    assertFalse(upToIndex.isEmpty(), "writes were acknowledged before the backup's index");
    assertFalse(afterIndex.isEmpty(), "writes were acknowledged after the backup's index");

    Map<String, Blob> read = getAll(upToIndex);
    for (String userKey : upToIndex) {
      Blob blob = read.get(userKey);
      assertArrayEquals(acknowledged.get(userKey), blob.value(), userKey + " reads back byte for byte");
      assertEquals(versions.get(userKey), blob.info().version(), userKey + " keeps its version");
    }
    for (String userKey : afterIndex) {
      String[] parts = userKey.split("\\|", 2);
      assertTrue(restoredClient.head(parts[0], parts[1]).isEmpty(), userKey + " came after the backup");
    }

    // Nothing newer than the index at all (writes whose outcome was unknown included), and the
    // manifest counted what is there.
    long objects = 0;
    for (int w = 0; w < WRITERS; w++) {
      List<ObjectInfo> listed = restoredClient.listAll("user" + w + "@example.com", "").toList();
      for (ObjectInfo o : listed) {
        assertTrue(o.version() <= index, o.key() + " has version " + o.version() + " > backup index " + index);
      }
      objects += listed.size();
    }
    assertEquals(manifest.objectCount(), objects);

    long marker = restoredClient.markDigest();
    Set<String> digests = restored.ids().stream()
        .map(id -> restoredClient.digest(restored.clientAddress(id), marker, TIMEOUT))
        .map(ReplicaDigest::hex).collect(Collectors.toSet());
    assertEquals(1, digests.size(), "the restored replicas agree");

    ObjectInfo fresh = restoredClient.put("after-restore", "note", "hello".getBytes(StandardCharsets.UTF_8));
    assertTrue(fresh.version() > index, "the restored cluster's log continues after the backup's index");
  }

  @Test
  void incrementalChain_copiesOnlyNewFiles_survivesPruning_andTheNewestRestoresExactly() throws Exception {
    source = ProcessCluster.start(dir.resolve("source"), 3, Map.of());
    client = CofferClient.builder().endpoints(source.endpoints()).operationTimeout(Duration.ofSeconds(60)).build();
    String leader = source.awaitLeader(TIMEOUT);
    String endpoint = source.clientAddress(leader);
    Path set = dir.resolve("backups");
    java.util.Random random = new java.util.Random(7);
    Map<String, byte[]> current = new java.util.TreeMap<>();
    List<BackupOutcome> chain = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      int changes = round == 0 ? 1000 : 10;  // then 1% of the objects change between backups
      for (int i = 0; i < changes; i++) {
        String key = "photos/" + (round == 0 ? i : random.nextInt(1000));
        byte[] value = new byte[8 * 1024];
        random.nextBytes(value);
        client.put("alice", key, value);
        current.put(key, value);
      }
      chain.add(client.backupInto(endpoint, set, TIMEOUT));
    }
    assertEquals(0, chain.get(0).linkedFiles(), "the first backup copies everything");
    for (BackupOutcome later : chain.subList(1, 3)) {
      assertTrue(later.linkedBytes() > later.copiedBytes(), "an incremental backup copies only new files: " + later);
      assertEquals(later.manifest().totalBytes(), later.linkedBytes() + later.copiedBytes());
    }

    deleteTree(chain.get(1).dir());
    List<BackupCheck> checks = BackupVerifier.verifyAll(set);
    assertEquals(List.of(chain.get(0).dir(), chain.get(2).dir()), checks.stream().map(BackupCheck::dir).toList());
    assertTrue(checks.stream().allMatch(BackupCheck::intact), () -> "problems: " + checks);
    assertEquals(List.of(chain.get(0).dir()), dev.coffer.client.BackupSet.prune(set, 1));
    assertTrue(BackupVerifier.verify(set).intact(), "the newest backup survives the pruning of every older one");

    source.close();
    client.close();
    Path restoredRoot = dir.resolve("restored");
    BackupRestore.restore(set, restoredRoot, 3);
    restored = ProcessCluster.startRestored(restoredRoot, 3, Map.of());
    restoredClient = CofferClient.builder().endpoints(restored.endpoints())
        .operationTimeout(Duration.ofSeconds(60)).build();
    for (Map.Entry<String, byte[]> object : current.entrySet()) {
      assertArrayEquals(object.getValue(), restoredClient.get("alice", object.getKey()).value(), object.getKey());
    }
    assertEquals(current.size(), restoredClient.listAll("alice", "").count());
    long marker = restoredClient.markDigest();
    Set<String> digests = restored.ids().stream()
        .map(id -> restoredClient.digest(restored.clientAddress(id), marker, TIMEOUT))
        .map(ReplicaDigest::hex).collect(Collectors.toSet());
    assertEquals(1, digests.size(), "the restored replicas agree");

    Path trialTmp = Files.createDirectories(dir.resolve("trial-tmp"));
    BackupTrial.Result trial = BackupTrial.run(set, ProcessCluster.nodeCommand(trialTmp), Duration.ofSeconds(120));
    assertTrue(trial.passed(), () -> "restore trial: " + trial.problems());
    assertEquals(current.size(), trial.objectsChecked());

    // A file the newest backup shares with no other is damaged: verify names it, restore refuses.
    BackupFile own = chain.get(2).manifest().files().stream()
        .max(Comparator.comparingLong(BackupFile::size)).orElseThrow();
    flipMiddleByte(chain.get(2).dir().resolve("files").resolve(own.name()));
    BackupCheck damaged = BackupVerifier.verify(set);
    assertFalse(damaged.intact());
    assertTrue(damaged.problems().get(0).startsWith(own.name() + ": SHA-256"), damaged.problems().get(0));
    assertThrows(InvalidArgumentException.class, () -> BackupRestore.restore(set, dir.resolve("again"), 3));
    assertFalse(BackupTrial.run(set, ProcessCluster.nodeCommand(trialTmp), Duration.ofSeconds(120)).passed(),
        "the trial refuses a damaged backup");
  }

  private static void flipMiddleByte(Path file) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long middle = f.length() / 2;
      f.seek(middle);
      int b = f.read();
      f.seek(middle);
      f.write(b ^ 0xFF);
    }
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** A flipped byte in a copy of the backup is named by verify, and restore refuses the copy. */
  private void assertDamageIsCaught(Path backupDir, BackupManifest manifest) throws Exception {
    Path damaged = dir.resolve("damaged");
    copyTree(backupDir, damaged);
    BackupFile largest = manifest.files().stream().max(Comparator.comparingLong(BackupFile::size)).orElseThrow();
    try (RandomAccessFile f = new RandomAccessFile(damaged.resolve("files").resolve(largest.name()).toFile(), "rw")) {
      long middle = f.length() / 2;
      f.seek(middle);
      int b = f.read();
      f.seek(middle);
      f.write(b ^ 0xFF);
    }
    BackupCheck check = BackupVerifier.verify(damaged);
    assertEquals(1, check.problems().size(), () -> "problems: " + check.problems());
    assertTrue(check.problems().get(0).startsWith(largest.name() + ": SHA-256"), check.problems().get(0));
    Path target = dir.resolve("from-damaged");
    assertThrows(InvalidArgumentException.class, () -> BackupRestore.restore(damaged, target, 3));
    assertFalse(Files.exists(target), "a refused restore leaves nothing behind");
  }

  /** Reads every "user|key" with linearizable gets, many in flight at once. */
  private Map<String, Blob> getAll(List<String> userKeys) {
    Map<String, Blob> blobs = new java.util.HashMap<>();
    for (int from = 0; from < userKeys.size(); from += 64) {
      List<String> batch = userKeys.subList(from, Math.min(from + 64, userKeys.size()));
      List<CompletableFuture<Blob>> reads = new ArrayList<>();
      for (String userKey : batch) {
        String[] parts = userKey.split("\\|", 2);
        reads.add(restoredClient.getAsync(parts[0], parts[1]));
      }
      for (int i = 0; i < batch.size(); i++) {
        blobs.put(batch.get(i), reads.get(i).join());
      }
    }
    return blobs;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
