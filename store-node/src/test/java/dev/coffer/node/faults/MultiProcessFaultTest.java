package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.NodeStatus;
import dev.coffer.client.ReadOptions;
import dev.coffer.node.storage.BlobStore;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real node JVMs, real {@code kill -9}: the leader dies mid-load and comes back, a follower's
 * disk is wiped and it is rebuilt. Every acknowledged write must read back byte for byte, from
 * the cluster and from each replica, and all replicas must end identical.
 */
class MultiProcessFaultTest {
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
  void killLeader_restart_wipeFollower_noAcknowledgedWriteLost() throws Exception {
    // Snapshots every 300 entries, so the wiped follower must be rebuilt by snapshot install.
    cluster = ProcessCluster.start(dir, 3, Map.of("snapshot.every.entries", "300"));
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), Duration.ofSeconds(60));

    try (WriteLoad load = new WriteLoad(client, 4, 5_000, Duration.ofMinutes(4))) {
      awaitAcknowledged(load, 300);

      String oldLeader = cluster.awaitLeader(Duration.ofSeconds(30));
      cluster.kill(oldLeader);
      int atKill = load.acknowledgedCount();
      awaitAcknowledged(load, atKill + 300);
      String newLeader = cluster.awaitLeader(Duration.ofSeconds(30));
      assertNotEquals(oldLeader, newLeader, "a new leader serves while the old one is dead");

      cluster.start(oldLeader);
      awaitAcknowledged(load, load.acknowledgedCount() + 200);

      String follower = followerOf(cluster.awaitLeader(Duration.ofSeconds(30)));
      cluster.wipe(follower);
      awaitAcknowledged(load, load.acknowledgedCount() + 400);
      cluster.start(follower);
      awaitAcknowledged(load, load.acknowledgedCount() + 200);
      load.close();
      assertNull(load.unexpectedError(), "writes fail only with 'unavailable', never otherwise");
      System.out.printf("acknowledged %d, outcome unknown %d, failed %d%n",
          load.acknowledgedCount(), load.unknownOutcomes(), load.failures());

      awaitAllVotersConverged();
      String rebuiltLog = java.nio.file.Files.readString(cluster.logFile(follower));
      assertTrue(rebuiltLog.contains("asking the cluster to remove it") && rebuiltLog.contains("is a voter again"),
          "the wiped node rejoined through the listener path:\n" + cluster.tail(follower));
      assertEveryAcknowledgedWriteReadable(load.acknowledged());
      assertEveryReplicaHolds(load.acknowledged());
      // The reads may have written log entries (see PowerLossTest): converge again before comparing.
      awaitAllVotersConverged();
      assertReplicasIdenticalOnDisk();
    }
  }

  private void awaitAcknowledged(WriteLoad load, int count) {
    Await.until(count + " acknowledged writes (have " + load.acknowledgedCount() + ")", Duration.ofSeconds(120),
        () -> {
          if (load.unexpectedError() != null) {
            throw new AssertionError("write failed unexpectedly", load.unexpectedError());
          }
          return load.acknowledgedCount() >= count;
        });
  }

  private String followerOf(String leader) {
    return cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
  }

  private void awaitAllVotersConverged() {
    Await.until("3 voters at one applied index", Duration.ofSeconds(120), () -> {
      List<NodeStatus> all = new ArrayList<>();
      for (String id : cluster.ids()) {
        all.add(cluster.status(id).orElseThrow());
      }
      boolean allVoters = all.stream().allMatch(s -> s.peers().size() == 3 && s.peers().stream().allMatch(p -> p.voter()));
      long applied = all.get(0).appliedIndex();
      return allVoters && all.stream().allMatch(s -> s.appliedIndex() == applied && s.commitIndex() == applied);
    });
  }

  private void assertEveryAcknowledgedWriteReadable(Map<String, byte[]> acknowledged) {
    acknowledged.forEach((userKey, value) -> {
      String[] parts = userKey.split("\\|", 2);
      assertArrayEquals(value, client.get(parts[0], parts[1]).value(), "bytes of " + userKey);
    });
  }

  private void assertEveryReplicaHolds(Map<String, byte[]> acknowledged) {
    for (String id : cluster.ids()) {
      try (CofferClient direct = CofferClient.builder().endpoints(cluster.clientAddress(id)).build()) {
        acknowledged.forEach((userKey, value) -> {
          String[] parts = userKey.split("\\|", 2);
          assertArrayEquals(value, direct.get(parts[0], parts[1], ReadOptions.stale()).value(),
              "replica " + id + " bytes of " + userKey);
        });
      }
    }
  }

  private void assertReplicasIdenticalOnDisk() throws Exception {
    cluster.stopAllLeaderLast(cluster.ids());
    String firstDigest = null;
    long firstIndex = -1;
    for (String id : cluster.ids()) {
      try (BlobStore store = BlobStore.open(cluster.dataDir(id).resolve("db"))) {
        String digest = HexFormat.of().formatHex(store.digest());
        if (firstDigest == null) {
          firstDigest = digest;
          firstIndex = store.appliedIndex();
          assertTrue(firstIndex > 0);
        } else {
          assertEquals(firstIndex, store.appliedIndex(), "applied index of " + id);
          assertEquals(firstDigest, digest, "RocksDB contents of " + id);
        }
      }
    }
  }
}
