package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.MembershipResult;
import dev.coffer.client.NodeStatus;
import dev.coffer.client.ReadOptions;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.Members;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Replace a dead machine" (n4 added, n2 removed), then another disk lost (n1 wiped
 * and started again). n1's configuration file still names n1, n2, n3; its rejoin must work from
 * the cluster's replicated configuration {n1, n3, n4}, or Ratis refuses the change and n1 never
 * comes back (issue 9).
 */
class RejoinAfterReplaceTest {
  private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);

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
  void wipedNode_rejoinsFromTheReplicatedConfiguration_notItsFile() throws Exception {
    cluster = ProcessCluster.start(dir, 3, Map.of());
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), Duration.ofSeconds(60));
    Map<String, byte[]> written = new LinkedHashMap<>();
    TestClients.putPhase(client, written, "before the replacement");

    String n4 = cluster.startJoiningNode();
    MembershipResult added = client.addMember(n4, cluster.clientAddress(n4), false, CHANGE_TIMEOUT);
    assertTrue(Members.voterIds(added).contains(n4), "n4 added: " + added);
    MembershipResult removed = client.removeMember("n2", false, CHANGE_TIMEOUT);
    assertEquals(new TreeSet<>(Set.of("n1", "n3", n4)), Members.voterIds(removed), "n2 removed: " + removed);
    cluster.kill("n2");
    TestClients.putPhase(client, written, "after the replacement");

    cluster.wipe("n1");
    cluster.start("n1");
    TestClients.putPhase(client, written, "while n1 rejoins");
    Await.until("n1 a voter again, caught up with the leader", Duration.ofSeconds(120), () -> {
      NodeStatus leader = cluster.leaderStatus();
      NodeStatus n1 = cluster.status("n1").orElse(null);
      return leader != null && n1 != null && Members.voters(leader).equals(new TreeSet<>(Set.of("n1", "n3", n4)))
          && n1.appliedIndex() >= leader.commitIndex();
    });

    try (CofferClient direct = CofferClient.builder().endpoints(cluster.clientAddress("n1")).build()) {
      written.forEach((key, value) -> assertArrayEquals(value,
          direct.get("alice", key, ReadOptions.stale()).value(), "n1's copy of " + key));
    }
  }
}
