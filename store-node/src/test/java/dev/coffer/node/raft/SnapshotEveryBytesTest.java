package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.InProcessCluster;
import dev.coffer.node.testing.TestClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * snapshot.every.bytes: a few large values, far fewer entries than snapshot.every.entries, still
 * make every node snapshot and purge its Raft log, and a node restarted afterwards serves them.
 */
class SnapshotEveryBytesTest {
  private static final int VALUES = 48;
  private static final int VALUE_BYTES = 512 << 10;

  @TempDir
  Path dir;
  InProcessCluster cluster;

  @AfterEach
  void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void largeValues_snapshotByBytes_andLogPurged() throws Exception {
    // 24 MiB in 48 entries: only the byte threshold (4 MiB) can trigger a snapshot.
    cluster = InProcessCluster.start(dir, 3, Map.of("snapshot.every.bytes", Integer.toString(4 << 20),
        "snapshot.every.entries", "100000", "snapshot.on.stop", "false"));
    try (CofferClient client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(10),
        Duration.ofSeconds(40))) {
      for (int i = 0; i < VALUES; i++) {
        client.put("alice", "v" + i, value(i));
      }
      cluster.awaitConverged(Duration.ofSeconds(30));
      for (String id : cluster.ids()) {
        Path data = Path.of(cluster.node(id).config().dataDir().toString());
        Await.until(id + " took a snapshot by bytes and purged its first log segment", Duration.ofSeconds(30),
            () -> hasSnapshot(data.resolve("snapshots")) && firstLogIndex(data.resolve("raft")) > 0);
      }

      String restarted = cluster.ids().get(0);
      cluster.stop(restarted);
      cluster.restart(restarted);
      try (CofferClient direct = CofferClient.builder().endpoints(cluster.clientAddress(restarted)).build()) {
        for (int i = 0; i < VALUES; i++) {
          int n = i;
          Await.until(restarted + " serves v" + i, Duration.ofSeconds(30),
              () -> java.util.Arrays.equals(value(n),
                  direct.get("alice", "v" + n, dev.coffer.client.ReadOptions.stale()).value()));
        }
      }
      assertArrayEquals(value(VALUES - 1), client.get("alice", "v" + (VALUES - 1)).value());
    }
  }

  private static boolean hasSnapshot(Path snapshots) {
    try (Stream<Path> dirs = Files.list(snapshots)) {
      return dirs.anyMatch(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The start index of the oldest log segment left: above 0 once a purge removed the first one. */
  private static long firstLogIndex(Path raftDir) {
    try (Stream<Path> files = Files.walk(raftDir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(name -> name.matches("log_(inprogress_)?\\d+(-\\d+)?"))
          .mapToLong(name -> Long.parseLong(name.replaceAll("log_(inprogress_)?(\\d+).*", "$2")))
          .min().orElse(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] value(int i) {
    byte[] value = new byte[VALUE_BYTES];
    new Random(i).nextBytes(value);
    assertTrue(value.length > 0);
    return value;
  }
}
