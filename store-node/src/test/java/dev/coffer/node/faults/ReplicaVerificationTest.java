package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import dev.coffer.client.ReplicaDigest;
import dev.coffer.client.ScrubReport;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/**
 * Replica verification on real node processes: digests agree on a healthy cluster; a value
 * changed behind RocksDB's back is found by scrub and makes that replica's digest disagree;
 * a damaged Raft log keeps its node from coming back, and wiping it rebuilds it.
 */
class ReplicaVerificationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
  void corruptedReplicas_pinpointedByVerifyAndScrub_thenRebuilt() throws Exception {
    cluster = ProcessCluster.start(dir, 3, Map.of());
    client = CofferClient.builder().endpoints(cluster.endpoints()).operationTimeout(Duration.ofSeconds(60)).build();
    for (int i = 0; i < 50; i++) {
      client.put("vera", "doc-" + i, ("document number " + i).getBytes(StandardCharsets.UTF_8));
    }

    List<ReplicaDigest> healthy = digests();
    assertEquals(1, healthy.stream().map(ReplicaDigest::hex).distinct().count(), "a healthy cluster agrees");

    String leader = cluster.awaitLeader(TIMEOUT);
    List<String> followers = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
    String rotten = followers.get(0);
    String brokenLog = followers.get(1);

    cluster.stopGracefully(rotten);
    overwriteValue(cluster.dataDir(rotten).resolve("db"), "vera", "doc-7", "DOCUMENT NUMBER 7");
    cluster.start(rotten);

    ScrubReport scrub = client.scrub(cluster.clientAddress(rotten), TIMEOUT);
    assertEquals(50, scrub.objectsChecked());
    assertEquals(1, scrub.corruptObjects());
    assertEquals(List.of("vera/doc-7"), scrub.corrupt());
    assertEquals(0, client.scrub(cluster.clientAddress(leader), TIMEOUT).corruptObjects());

    List<ReplicaDigest> afterRot = digests();
    String odd = afterRot.stream().filter(d -> d.nodeId().equals(rotten)).findFirst().orElseThrow().hex();
    for (ReplicaDigest d : afterRot) {
      if (d.nodeId().equals(rotten)) {
        continue;
      }
      assertNotEquals(odd, d.hex(), "the rotten replica " + rotten + " stands out");
    }
    assertEquals(1, afterRot.stream().filter(d -> !d.nodeId().equals(rotten)).map(ReplicaDigest::hex).distinct().count());

    cluster.stopGracefully(brokenLog);
    damageRaftLog(cluster.dataDir(brokenLog).resolve("raft"));
    assertThrows(AssertionError.class, () -> cluster.start(brokenLog),
        "a node whose Raft log fails its checksums must not come up serving");
    assertTrue(cluster.tail(brokenLog).toLowerCase().contains("corrupt")
        || cluster.tail(brokenLog).toLowerCase().contains("checksum"), cluster.tail(brokenLog));

    // Rebuild both from the healthy leader: wipe, start, and they rejoin through the listener path.
    for (String id : List.of(brokenLog, rotten)) {
      cluster.wipe(id);
      cluster.start(id);
      Await.until(id + " votes again", Duration.ofSeconds(120), () -> cluster.status(leader).orElseThrow().peers()
          .stream().filter(p -> p.id().equals(id)).anyMatch(p -> p.voter()));
    }
    List<ReplicaDigest> rebuilt = digests();
    assertEquals(3, rebuilt.size());
    assertEquals(1, rebuilt.stream().map(ReplicaDigest::hex).distinct().count(), "rebuilt replicas agree");
    for (String id : cluster.ids()) {
      assertEquals(0, client.scrub(cluster.clientAddress(id), TIMEOUT).corruptObjects());
    }
    assertArrayEquals("document number 7".getBytes(StandardCharsets.UTF_8), client.get("vera", "doc-7").value());
  }

  private List<ReplicaDigest> digests() {
    long index = client.markDigest();
    List<ReplicaDigest> all = new ArrayList<>();
    for (String id : cluster.ids()) {
      try {
        all.add(client.digest(cluster.clientAddress(id), index, TIMEOUT));
      } catch (CofferException e) {
        // a node that cannot answer is left out; the assertions count who answered
      }
    }
    return all;
  }

  /** Changes one stored value directly in RocksDB, leaving its metadata (and CRC32C) as it was. */
  private static void overwriteValue(Path db, String user, String key, String newValue) throws Exception {
    List<ColumnFamilyDescriptor> families = new ArrayList<>();
    try (org.rocksdb.Options listing = new org.rocksdb.Options()) {
      for (byte[] name : RocksDB.listColumnFamilies(listing, db.toString())) {
        families.add(new ColumnFamilyDescriptor(name));
      }
    }
    List<String> names = families.stream().map(f -> new String(f.getName(), StandardCharsets.UTF_8)).toList();
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
         RocksDB rocks = RocksDB.open(options, db.toString(), families, handles)) {
      ColumnFamilyHandle meta = handles.get(names.indexOf("meta"));
      ColumnFamilyHandle data = handles.get(names.indexOf("data"));
      byte[] objectKey = (user + "\0" + key).getBytes(StandardCharsets.UTF_8);
      // The value lies under the object key, 0x00 and its version (the store's StoreKeys.valueKey).
      dev.coffer.proto.ObjectMeta stored = dev.coffer.proto.ObjectMeta.parseFrom(rocks.get(meta, objectKey));
      byte[] valueKey = stored.getValueByVersion()
          ? java.nio.ByteBuffer.allocate(objectKey.length + 9).put(objectKey).put((byte) 0)
              .putLong(stored.getVersion()).array()
          : objectKey;
      byte[] old = rocks.get(data, valueKey);
      assertFalse(old == null, "the object exists before it is damaged");
      rocks.put(data, valueKey, newValue.getBytes(StandardCharsets.UTF_8));
      rocks.flushWal(true);
      handles.forEach(ColumnFamilyHandle::close);
    }
  }

  /** Flips bytes in the middle of the newest Raft log segment. */
  private static void damageRaftLog(Path raftDir) throws Exception {
    Path segment;
    try (Stream<Path> files = Files.walk(raftDir)) {
      segment = files.filter(p -> p.getFileName().toString().startsWith("log_"))
          .max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      long middle = f.length() / 2;
      for (int i = 0; i < 16; i++) {
        f.seek(middle + i);
        int b = f.read();
        f.seek(middle + i);
        f.write(b ^ 0xFF);
      }
    }
  }
}
