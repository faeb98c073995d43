package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.InvalidArgumentException;
import dev.coffer.client.MembershipResult;
import dev.coffer.client.NodeStatus;
import dev.coffer.client.PeerInfo;
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
 * Membership changes on real node processes under write load: grow 3 → 4 (the newcomer is
 * caught up by snapshot install as a listener, then votes), remove the old leader, hand
 * leadership over. No acknowledged write may be lost and the remaining replicas end identical.
 */
class MembershipChangeTest {
  private static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(2);

  @TempDir
  Path dir;
  ProcessCluster cluster;
  CofferClient client;
  CofferClient admin;

  @AfterEach
  void tearDown() {
    for (CofferClient c : new CofferClient[] {client, admin}) {
      if (c != null) {
        c.close();
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void growRemoveLeaderTransfer_underLoad_noAcknowledgedWriteLost() throws Exception {
    cluster = ProcessCluster.start(dir, 3, Map.of("snapshot.every.entries", "100"));
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), Duration.ofSeconds(60));
    admin = CofferClient.builder().endpoints(cluster.endpoints()).build();

    try (WriteLoad load = new WriteLoad(client, 3, 5_000, Duration.ofMinutes(4))) {
      awaitAcknowledged(load, 300);

      String newcomer = cluster.startJoiningNode();
      MembershipResult dryRun = admin.addMember(newcomer, cluster.clientAddress(newcomer), true, CHANGE_TIMEOUT);
      assertTrue(dryRun.dryRun() && dryRun.description().contains("3 -> 4 voters"), dryRun.description());
      assertEquals(3, dryRun.members().size(), "a dry run changes nothing");
      MembershipResult added = admin.addMember(newcomer, cluster.clientAddress(newcomer), false, CHANGE_TIMEOUT);
      assertEquals(4, voters(added.members()).size(), added.toString());
      awaitAcknowledged(load, load.acknowledgedCount() + 200);

      String oldLeader = cluster.awaitLeader(Duration.ofSeconds(30));
      MembershipResult removed = admin.removeMember(oldLeader, false, CHANGE_TIMEOUT);
      assertTrue(voters(removed.members()).stream().noneMatch(p -> p.id().equals(oldLeader)), removed.toString());
      String newLeader = awaitLeaderOtherThan(oldLeader);
      awaitAcknowledged(load, load.acknowledgedCount() + 200);

      String target = cluster.ids().stream()
          .filter(id -> !id.equals(oldLeader) && !id.equals(newLeader)).findFirst().orElseThrow();
      admin.transferLeadership(target, false, CHANGE_TIMEOUT);
      Await.until(target + " leads", Duration.ofSeconds(30),
          () -> cluster.status(target).map(s -> "LEADER".equals(s.role())).orElse(false));
      awaitAcknowledged(load, load.acknowledgedCount() + 200);

      // Three voters left, one of them stopped: removing another would leave 1 healthy of 2.
      String stopped = cluster.ids().stream()
          .filter(id -> !id.equals(oldLeader) && !id.equals(target)).findFirst().orElseThrow();
      load.close();
      assertNull(load.unexpectedError(), "writes fail only with 'unavailable'");
      cluster.stopGracefully(oldLeader);
      cluster.kill(stopped);
      Thread.sleep(3_000);
      String other = cluster.ids().stream()
          .filter(id -> !id.equals(oldLeader) && !id.equals(target) && !id.equals(stopped)).findFirst().orElseThrow();
      InvalidArgumentException refused = assertThrows(InvalidArgumentException.class,
          () -> admin.removeMember(other, true, CHANGE_TIMEOUT));
      assertTrue(refused.getMessage().contains("healthy"), refused.getMessage());
      cluster.start(stopped);

      List<String> voters = List.of(target, stopped, other);
      awaitConverged(voters);
      load.acknowledged().forEach((userKey, value) -> {
        String[] parts = userKey.split("\\|", 2);
        assertArrayEquals(value, client.get(parts[0], parts[1]).value(), "bytes of " + userKey);
      });
      // The reads may have written log entries (see PowerLossTest): converge again before comparing.
      awaitConverged(voters);
      assertIdenticalOnDisk(voters);
      System.out.printf("membership test: acknowledged %d, unknown %d%n", load.acknowledgedCount(),
          load.unknownOutcomes());
    }
  }

  private static List<PeerInfo> voters(List<PeerInfo> members) {
    return members.stream().filter(PeerInfo::voter).toList();
  }

  private String awaitLeaderOtherThan(String old) {
    String[] leader = new String[1];
    Await.until("a leader other than " + old, Duration.ofSeconds(30), () -> {
      for (String id : cluster.ids()) {
        if (!id.equals(old) && cluster.status(id).map(s -> "LEADER".equals(s.role())).orElse(false)) {
          leader[0] = id;
          return true;
        }
      }
      return false;
    });
    assertNotEquals(old, leader[0]);
    return leader[0];
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

  private void awaitConverged(List<String> voters) {
    Await.until(voters + " at one applied index", Duration.ofSeconds(120), () -> {
      List<NodeStatus> all = new ArrayList<>();
      for (String id : voters) {
        all.add(cluster.status(id).orElseThrow());
      }
      long applied = all.get(0).appliedIndex();
      return all.stream().allMatch(s -> s.appliedIndex() == applied && s.commitIndex() == applied
          && voters(s.peers()).size() == 3);
    });
  }

  private void assertIdenticalOnDisk(List<String> voters) throws Exception {
    cluster.stopAllLeaderLast(voters);
    String first = null;
    for (String id : voters) {
      try (BlobStore store = BlobStore.open(cluster.dataDir(id).resolve("db"))) {
        String digest = store.appliedIndex() + ":" + HexFormat.of().formatHex(store.digest());
        if (first == null) {
          first = digest;
        } else {
          assertEquals(first, digest, "applied index and contents of " + id);
        }
      }
    }
  }
}
