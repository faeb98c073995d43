package dev.coffer.chaos.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.ReadOptions;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs root: three node JVMs, each in its own network namespace. */
class NetnsClusterTest {
  @TempDir
  Path dir;
  NetnsCluster cluster;
  CofferClient client;

  @BeforeEach
  void requireNamespaces() {
    Optional<String> reason = NetnsHosts.unavailableReason();
    Assumptions.assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
  }

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
  void isolateLeader_othersElectANewLeader_writesGoOn_oldLeaderCatchesUpAfterHeal() throws Exception {
    cluster = NetnsCluster.start(dir, 3, Map.of());
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(2), Duration.ofSeconds(60));
    for (String id : cluster.ids()) {
      assertTrue(cluster.clientAddress(id).startsWith(cluster.hosts().address(id)), "binds its namespace address");
      String command = ProcessHandle.of(cluster.pid(id)).flatMap(h -> h.info().command()).orElse("");
      assertTrue(command.endsWith("/java"), "the node's PID is the java process itself, got " + command);
    }
    Map<String, byte[]> written = new LinkedHashMap<>();
    writeKeys(written, "before", 20);

    String oldLeader = cluster.awaitLeader(Duration.ofSeconds(30));
    long isolatedAt = System.nanoTime();
    cluster.hosts().isolate(oldLeader);

    String[] newLeader = new String[1];
    Await.until("a new leader among the other two", Duration.ofSeconds(60), () -> {
      newLeader[0] = cluster.view().stableLeader().orElse(null);
      return newLeader[0] != null && !newLeader[0].equals(oldLeader);
    });
    long electedMillis = (System.nanoTime() - isolatedAt) / 1_000_000;
    assertTrue(cluster.status(oldLeader).isPresent(), "the client still reaches the isolated node");
    writeKeys(written, "during", 20);
    long writesDoneMillis = (System.nanoTime() - isolatedAt) / 1_000_000;
    long lastWriteIndex = cluster.status(newLeader[0]).orElseThrow().commitIndex();
    assertTrue(cluster.status(oldLeader).orElseThrow().appliedIndex() < lastWriteIndex,
        "the isolated node cannot have the writes made without it");

    Await.until(oldLeader + " to step down while cut off", Duration.ofSeconds(60),
        () -> cluster.status(oldLeader).map(s -> !ClusterView.LEADER.equals(s.role())).orElse(false));
    long steppedDownMillis = (System.nanoTime() - isolatedAt) / 1_000_000;

    long healedAt = System.nanoTime();
    cluster.hosts().healAll();
    // Catching up waits for TCP's next retransmission on the connections that were cut, then replays
    // what the node missed; it must not stall (docs/design.md, "Ratis 3.3.0 replication stall").
    cluster.awaitCaughtUp(oldLeader, Duration.ofSeconds(120));
    long caughtUpMillis = (System.nanoTime() - healedAt) / 1_000_000;
    cluster.awaitConverged(Duration.ofSeconds(60));
    System.out.printf("isolated %s: new leader %s after %d ms, 20 writes done at %d ms, old leader stepped down "
            + "after %d ms; after heal it caught up in %d ms%n",
        oldLeader, newLeader[0], electedMillis, writesDoneMillis, steppedDownMillis, caughtUpMillis);

    try (CofferClient direct = CofferClient.builder().endpoints(cluster.clientAddress(oldLeader)).build()) {
      written.forEach((key, value) ->
          assertArrayEquals(value, direct.get("u", key, ReadOptions.stale()).value(), "old leader's copy of " + key));
    }
    assertNotEquals(oldLeader, newLeader[0]);
    assertEquals(written.size(), client.listAll("u", "").count());
  }

  private void writeKeys(Map<String, byte[]> written, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      String key = prefix + "-" + i;
      byte[] value = (key + " @ " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
      client.put("u", key, value);
      written.put(key, value);
      assertArrayEquals(value, client.get("u", key).value(), "read back " + key);
    }
  }
}
