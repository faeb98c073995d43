package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.ReadOptions;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 1: a follower killed with hundreds of MiB of large entries in its Raft log must
 * replay them on restart within its heap (the nodes run with {@code -Xmx384m} and
 * {@code -XX:+ExitOnOutOfMemoryError}), catch up with the leader (including what was written while
 * it was down) and hold every value byte for byte; then every node reports itself healthy.
 */
class LargeValueRestartTest {
  private static final int VALUES = 600;
  /** Values written before the follower is killed; the rest are written while it is down. */
  private static final int BEFORE_KILL = 450;
  private static final int VALUE_BYTES = 1 << 20;
  private static final int IN_FLIGHT = 4;

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
  void followerKilledWithLargeLog_restartsWithinItsHeap_andCatchesUp() throws Exception {
    // No snapshot during the test: the whole log stays on disk, and the restarted follower must replay
    // all of it (snapshots by bytes would otherwise purge most of it, hiding an unbounded replay).
    cluster = ProcessCluster.start(dir, 3, Map.of("snapshot.every.bytes", "17179869184",
        "snapshot.on.stop", "false"));
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(20), Duration.ofSeconds(60));

    long startNanos = System.nanoTime();
    putAll(0, BEFORE_KILL);
    String leader = cluster.awaitLeader(Duration.ofSeconds(30));
    String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    cluster.kill(follower);
    putAll(BEFORE_KILL, VALUES);
    System.out.printf("%d x %d KiB written in %d ms%n", VALUES, VALUE_BYTES >> 10,
        (System.nanoTime() - startNanos) / 1_000_000);
    long target = cluster.status(cluster.awaitLeader(Duration.ofSeconds(30))).orElseThrow().appliedIndex();

    long restartNanos = System.nanoTime();
    cluster.start(follower);
    Await.until(follower + " applied index " + target + " (see " + cluster.logFile(follower) + ")",
        Duration.ofSeconds(60), () -> {
          if (!cluster.isRunning(follower)) {
            throw new AssertionError(follower + " died while replaying its log:\n" + cluster.tail(follower));
          }
          return cluster.status(follower).map(s -> s.appliedIndex() >= target).orElse(false);
        });
    System.out.printf("%s replayed to index %d in %d ms%n", follower, target,
        (System.nanoTime() - restartNanos) / 1_000_000);

    assertReplicaHoldsEveryValue(follower);
    assertTrue(cluster.isRunning(follower), follower + " is still up");
    for (String id : cluster.ids()) {
      Await.until(id + " reports itself healthy", Duration.ofSeconds(20),
          () -> cluster.status(id).map(s -> s.healthProblems().isEmpty() && "RUNNING".equals(s.raftState()))
              .orElse(false));
    }
  }

  private void putAll(int from, int to) {
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (int i = from; i < to; i++) {
      inFlight.add(client.putAsync("alice", key(i), value(i)));
      if (inFlight.size() == IN_FLIGHT) {
        inFlight.remove(0).join();
      }
    }
    inFlight.forEach(CompletableFuture::join);
  }

  private void assertReplicaHoldsEveryValue(String id) {
    try (CofferClient direct = CofferClient.builder().endpoints(cluster.clientAddress(id))
        .requestTimeout(Duration.ofSeconds(20)).build()) {
      for (int i = 0; i < VALUES; i++) {
        assertArrayEquals(value(i), direct.get("alice", key(i), ReadOptions.stale()).value(), "replica " + id + " " + key(i));
      }
    }
  }

  private static String key(int i) {
    return "photos/" + i + ".jpg";
  }

  /** The value of key i, regenerated rather than kept: 600 MiB would not fit in the test's heap. */
  private static byte[] value(int i) {
    byte[] value = new byte[VALUE_BYTES];
    new Random(i).nextBytes(value);
    return value;
  }
}
