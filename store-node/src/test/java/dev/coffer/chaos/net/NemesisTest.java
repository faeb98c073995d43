package dev.coffer.chaos.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.ReadOptions;
import dev.coffer.node.testing.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs root: every supported fault once against three node JVMs in namespaces, with a writer running. */
class NemesisTest {
  private static final long SEED = 20240601L;

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
  void runOnce_eachKind_clusterHealsConvergesAndKeepsEveryAcknowledgedWrite() throws Exception {
    // Snapshots every 200 entries, so the wiped node may have to be rebuilt from a snapshot.
    cluster = NetnsCluster.start(dir, 3, Map.of("snapshot.every.entries", "200"));
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(2), Duration.ofSeconds(10));
    List<FaultKind> kinds = FaultKind.all();

    FaultLog log;
    BackgroundWriter writer = new BackgroundWriter(client);
    try (Nemesis nemesis = new Nemesis(cluster, new Random(SEED), kinds, Duration.ofSeconds(3),
        Duration.ofSeconds(2))) {
      for (FaultKind kind : kinds) {
        int before = writer.acknowledgedCount();
        FaultEvent event = nemesis.runOnce(kind);
        assertTrue(writer.acknowledgedCount() > before, "writes went on during/after " + event);
      }
      log = nemesis.faults();
    } finally {
      writer.close();
    }
    System.out.println(log.summary());
    log.events().forEach(System.out::println);
    System.out.printf("writer: %d acknowledged, %d unavailable%n", writer.acknowledgedCount(),
        writer.unavailableCount());

    assertNull(writer.unexpectedError(), "writes fail only as 'unavailable'");
    for (FaultKind kind : kinds) {
      assertEquals(1, log.countsByKind().get(kind), kind + " injected once");
    }
    assertEquals(List.of(), log.anomalies(), "every lost leader was replaced");
    assertTrue(log.electionDurations().size() >= 2, "KILL_LEADER and PARTITION_LEADER always cost the leader");

    // A node stuck behind after a partition healed would be the Ratis stall in docs/design.md.
    cluster.awaitConverged(Duration.ofSeconds(120));
    for (String id : cluster.ids()) {
      cluster.awaitVoter(id, Duration.ofSeconds(60));
    }
    byte[] last = "after the nemesis".getBytes(StandardCharsets.UTF_8);
    client.put(BackgroundWriter.USER, "final", last);
    assertArrayEquals(last, client.get(BackgroundWriter.USER, "final").value());
    cluster.awaitConverged(Duration.ofSeconds(60));
    for (String id : cluster.ids()) {
      try (CofferClient direct = CofferClient.builder().endpoints(cluster.clientAddress(id)).build()) {
        writer.acknowledged().forEach((key, value) -> assertArrayEquals(value,
            direct.get(BackgroundWriter.USER, key, ReadOptions.stale()).value(), id + "'s copy of " + key));
      }
    }
  }
}
