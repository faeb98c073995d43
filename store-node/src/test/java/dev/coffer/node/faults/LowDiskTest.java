package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.UnavailableException;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.TestClients;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes whose data lives on small filesystems (tmpfs, mounted by the test: needs root) that fill
 * up. A leader short of disk hands leadership to a follower with room and writes go on there;
 * with every disk short, writes are refused but deletes are taken; once space returns, writes
 * resume by themselves.
 */
class LowDiskTest {
  private static final long DISK_BYTES = 192L << 20;
  private static final long RESERVE_BYTES = 64L << 20;

  @TempDir
  Path dir;
  ProcessCluster cluster;
  CofferClient client;
  final List<Path> mounts = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    for (Path mount : mounts) {
      run("umount", "-l", mount.toString());
    }
  }

  @Test
  void leaderShortOfDisk_handsOver_deletesAlwaysTaken_writesResumeWhenSpaceReturns() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting small filesystems needs root");
    for (String id : List.of("n1", "n2", "n3")) {
      Path data = Files.createDirectories(dir.resolve(id).resolve("data"));
      assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + DISK_BYTES, "tmpfs", data.toString()) == 0,
          "cannot mount tmpfs here");
      mounts.add(data);
    }
    cluster = ProcessCluster.start(dir, 3, Map.of("disk.reserve.bytes", Long.toString(RESERVE_BYTES),
        "disk.handover.after.ms", "5000", "max.value.bytes", Integer.toString(1 << 20)));
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), Duration.ofSeconds(90));
    byte[] value = new byte[4096];
    client.put("alice", "before", value);

    String leader = cluster.awaitLeader(Duration.ofSeconds(30));
    Path filler = fillLeavingFree(cluster.dataDir(leader), RESERVE_BYTES / 2);
    Await.until("a leader other than " + leader + ", which is short of disk", Duration.ofSeconds(90),
        () -> cluster.ids().stream().anyMatch(id -> !id.equals(leader)
            && cluster.status(id).map(s -> "LEADER".equals(s.role())).orElse(false)));
    client.put("alice", "after-handover", value); // taken by the new leader, which has room
    assertArrayEquals(value, client.get("alice", "after-handover").value());

    List<Path> fillers = new ArrayList<>(List.of(filler));
    for (String id : cluster.ids()) {
      if (!id.equals(leader)) {
        fillers.add(fillLeavingFree(cluster.dataDir(id), RESERVE_BYTES / 2));
      }
    }
    try (CofferClient impatient = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(2),
        Duration.ofSeconds(4))) {
      Await.until("writes refused everywhere", Duration.ofSeconds(30), () -> {
        try {
          impatient.put("alice", "refused", value);
          return false;
        } catch (UnavailableException e) {
          assertTrue(e.getMessage().contains("disk"), e.getMessage());
          return true;
        }
      });
    }
    assertTrue(client.delete("alice", "before"), "a delete, which frees space, is taken with every disk short");

    for (Path f : fillers) {
      Files.delete(f);
    }
    client.put("alice", "space-returned", value); // resumes by itself, within the client's retries
    String newLeader = cluster.awaitLeader(Duration.ofSeconds(30));
    assertNotEquals("", newLeader);
  }

  /** Writes a file to {@code dataDir}'s filesystem until only {@code leaveFree} bytes are left. */
  private static Path fillLeavingFree(Path dataDir, long leaveFree) throws IOException {
    long fill = Files.getFileStore(dataDir).getUsableSpace() - leaveFree;
    Path filler = dataDir.resolve("filler");
    try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
      byte[] chunk = new byte[1 << 20];
      for (long written = 0; written < fill; written += chunk.length) {
        f.write(chunk, 0, (int) Math.min(chunk.length, fill - written));
      }
    }
    return filler;
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
