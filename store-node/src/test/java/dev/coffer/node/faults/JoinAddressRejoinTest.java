package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.MembershipResult;
import dev.coffer.client.NodeStatus;
import dev.coffer.client.ReadOptions;
import dev.coffer.client.ReplicaDigest;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.FreePorts;
import dev.coffer.node.testing.Members;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.TestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --join ADDRESS} (issue 9): n1's configuration file names n1, n2, n3; n2 and n3 are
 * replaced by n4 and n5 one at a time and stopped, so when n1's disk is lost no member its file
 * names is up. Started with {@code --join} and n4's client address it rejoins like any wiped node
 * and ends a caught-up voter with the same data as the others. A wrong address (nothing there, or
 * a Raft port) makes it exit with status 1 and a one-line reason, within a bounded time.
 */
class JoinAddressRejoinTest {
  private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);
  /** The node's 15 s lookup, plus JVM start-up on a busy 2-core machine. */
  private static final Duration FAILED_START_TIMEOUT = Duration.ofSeconds(60);

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
  void wipedNode_whoseFileNamesNoLiveMember_rejoinsThroughJoinAddress() throws Exception {
    cluster = ProcessCluster.start(dir, 3, Map.of());
    useClientOf("n1", "n2", "n3");
    Map<String, byte[]> written = new LinkedHashMap<>();
    TestClients.putPhase(client, written, "three nodes");

    String n4 = replace("n2");
    useClientOf("n1", "n3", n4);
    TestClients.putPhase(client, written, "n2 replaced");
    String n5 = replace("n3");
    useClientOf("n1", n4, n5);
    TestClients.putPhase(client, written, "n3 replaced");
    assertFalse(cluster.isRunning("n2") || cluster.isRunning("n3"), "no member n1's file names is up");

    cluster.wipe("n1");
    assertFailedStart("n1", "no Coffer node answered there", "--join", "127.0.0.1:" + FreePorts.next());
    assertFailedStart("n1", "not a Coffer node's client port", "--join", cluster.raftAddress(n4));

    cluster.startWith("n1", "--join", cluster.clientAddress(n4));
    useClientOf(n4, n5);
    TestClients.putPhase(client, written, "while n1 rejoins");
    Await.until("n1 a voter again, caught up with the leader", Duration.ofSeconds(120), () -> {
      NodeStatus leader = cluster.leaderStatus();
      NodeStatus n1 = cluster.status("n1").orElse(null);
      return leader != null && n1 != null && Members.voters(leader).equals(new TreeSet<>(Set.of("n1", n4, n5)))
          && n1.appliedIndex() >= leader.commitIndex();
    });

    List<String> members = List.of("n1", n4, n5);
    long marker = client.markDigest();
    Set<String> digests = members.stream()
        .map(id -> client.digest(cluster.clientAddress(id), marker, CHANGE_TIMEOUT))
        .map(ReplicaDigest::hex).collect(Collectors.toSet());
    assertEquals(1, digests.size(), "every replica's digest at index " + marker + ": " + digests);
    for (String id : members) {
      try (CofferClient direct = CofferClient.builder().endpoints(cluster.clientAddress(id)).build()) {
        written.forEach((key, value) -> assertArrayEquals(value,
            direct.get("alice", key, ReadOptions.stale()).value(), id + "'s copy of " + key));
      }
    }
  }

  /** Adds a new node as a voter, removes {@code old} and kills it; returns the new node's id. */
  private String replace(String old) throws Exception {
    String fresh = cluster.startJoiningNode();
    MembershipResult added = client.addMember(fresh, cluster.clientAddress(fresh), false, CHANGE_TIMEOUT);
    assertTrue(Members.voterIds(added).contains(fresh), fresh + " added: " + added);
    MembershipResult removed = client.removeMember(old, false, CHANGE_TIMEOUT);
    assertFalse(Members.voterIds(removed).contains(old), old + " removed: " + removed);
    cluster.kill(old);
    return fresh;
  }

  /** The node exits with status 1, saying {@code reason} in one line, no stack trace. */
  private void assertFailedStart(String id, String reason, String... flags) throws Exception {
    long logStart = Files.size(cluster.logFile(id));
    int status = cluster.runUntilExit(id, FAILED_START_TIMEOUT, flags);
    String log = Files.readString(cluster.logFile(id)).substring((int) logStart);
    assertEquals(1, status, "exit status with " + List.of(flags) + "; log:\n" + log);
    assertTrue(log.contains("coffer-node: cannot start: --join") && log.contains(reason),
        "says why, with " + List.of(flags) + ":\n" + log);
    assertFalse(log.contains("\tat "), "no stack trace, with " + List.of(flags) + ":\n" + log);
  }

  private void useClientOf(String... ids) {
    if (client != null) {
      client.close();
    }
    String endpoints = Set.of(ids).stream().map(cluster::clientAddress).collect(Collectors.joining(","));
    client = TestClients.retrying(endpoints, Duration.ofSeconds(5), Duration.ofSeconds(60));
  }
}
