package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.coffer.client.CofferClient;
import dev.coffer.client.NodeStatus;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower stands for election as soon as its leader's process is gone, not after an election
 * timeout (LeaderLossWatch). The election timeout here is 15-20 s, so a new leader within 10 s
 * of a {@code kill -9} can only come from the watch; a frozen leader (SIGSTOP) closes no
 * connection, so nobody may stand early then.
 */
class LeaderExitElectionTest {
  private static final Map<String, String> SLOW_ELECTIONS =
      Map.of("election.timeout.min.ms", "15000", "election.timeout.max.ms", "20000");

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
  void killedLeader_isReplacedLongBeforeTheElectionTimeout_frozenLeaderIsNot() throws Exception {
    cluster = ProcessCluster.start(dir, 3, SLOW_ELECTIONS);
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), Duration.ofSeconds(30));
    String leader = cluster.awaitLeader(Duration.ofSeconds(60));
    byte[] before = "written before the kill".getBytes(StandardCharsets.UTF_8);
    client.put("alice", "before", before);

    // A frozen leader: its connections stay open, so the followers wait for the election timeout.
    long term = status(leader).term();
    signal("STOP", cluster.pid(leader));
    try {
      Thread.sleep(5_000);
      for (String id : cluster.ids()) {
        if (!id.equals(leader)) {
          NodeStatus s = status(id);
          assertEquals("FOLLOWER", s.role(), id + " stood for election while the leader was only frozen");
          assertEquals(term, s.term(), id + " began a new term while the leader was only frozen");
        }
      }
    } finally {
      signal("CONT", cluster.pid(leader));
    }
    Await.until("the frozen leader leading again", Duration.ofSeconds(30),
        () -> cluster.status(leader).map(s -> "LEADER".equals(s.role())).orElse(false));

    // A killed leader: its kernel closes its connections, and a follower stands at once.
    long killedAt = System.nanoTime();
    cluster.kill(leader);
    String successor = awaitLeaderOtherThan(leader, Duration.ofSeconds(10));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    assertNotEquals(leader, successor);
    System.out.printf("new leader %s %d ms after kill -9 of %s (election timeout 15-20 s)%n", successor,
        tookMillis, leader);

    byte[] after = "written after the kill".getBytes(StandardCharsets.UTF_8);
    client.put("alice", "after", after);
    assertArrayEquals(before, client.get("alice", "before").value());
    assertArrayEquals(after, client.get("alice", "after").value());
  }

  private NodeStatus status(String id) {
    return cluster.status(id).orElseThrow(() -> new AssertionError(id + " does not answer"));
  }

  private String awaitLeaderOtherThan(String former, Duration timeout) {
    String[] found = new String[1];
    Await.until("a leader other than " + former, timeout, () -> {
      for (String id : cluster.ids()) {
        Optional<NodeStatus> s = id.equals(former) ? Optional.empty() : cluster.status(id);
        if (s.isPresent() && "LEADER".equals(s.get().role())) {
          found[0] = id;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
  }
}
