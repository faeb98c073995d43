package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.NodeStatus;
import dev.coffer.client.ReadOptions;
import dev.coffer.node.storage.BlobStore;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.PowerFailFs;
import dev.coffer.node.testing.PowerFailFs.Mount;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.TestClients;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power loss on every machine at once. Each node's data directory is a {@code powerfail} FUSE
 * filesystem (src/test/c/powerfail.c) that, when its power is cut, undoes every change to a file
 * made since that file's last fsync. Under a write load, all nodes are {@code kill -9}ed and all
 * their disks cut in the same instant; the filesystems are mounted again (holding only what was
 * fsynced) and the nodes restarted. Every acknowledged write must read back byte for byte, and
 * the replicas must end identical. The first test shows that the filesystem really drops what
 * was not fsynced, so the others cannot pass by accident; the last two cut the power at chosen
 * instants (the filesystem's trap): in the middle of a Raft log write, and while a follower
 * restores the snapshot it was just sent.
 *
 * <p>A failing test keeps each node's logs and disk (table files excepted) under
 * {@code target/power-loss-evidence/}.
 */
class PowerLossTest {
  private static final List<String> IDS = List.of("n1", "n2", "n3");
  private static final int ROUNDS = 3;
  private static final int WRITES_PER_ROUND = 300;
  /** Which rounds' cuts are torn (keep a random prefix of unsynced writes): "none", "all" or a round number. */
  private static final String TORN_ROUNDS = System.getProperty("powerloss.torn", "none");
  private static final Pattern CUT = Pattern.compile("CUT (\\w+) files=(\\d+) changes=(\\d+) kept=(\\d+) bytes_dropped=(\\d+)");

  @TempDir
  Path dir;
  ProcessCluster cluster;
  CofferClient client;
  final Map<String, Mount> mounts = new LinkedHashMap<>();
  final List<Mount> otherMounts = new ArrayList<>();
  int generation;

  @BeforeEach
  void needsFuse() {
    Optional<String> reason = PowerFailFs.unavailableReason();
    assumeTrue(reason.isEmpty(), () -> "power-loss tests skipped: " + reason.orElse(""));
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close(); // every node process gone before its filesystem is unmounted
    }
    mounts.values().forEach(Mount::close);
    otherMounts.forEach(Mount::close);
  }

  @Test
  void powerfailFilesystem_losesWhatWasNotFsynced_keepsWhatWas() throws Exception {
    Path backing = dir.resolve("disk");
    Mount fs = mountOther(backing, List.of());
    Path mnt = fs.mountPoint();
    byte[] block = new byte[8192];
    new Random(1).nextBytes(block);

    Files.writeString(mnt.resolve("never-synced"), "lost");
    try (FileChannel c = FileChannel.open(mnt.resolve("synced"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap("kept".getBytes(StandardCharsets.UTF_8)));
      c.force(false); // fdatasync
      c.write(ByteBuffer.wrap("XX".getBytes(StandardCharsets.UTF_8)), 0); // overwrite, never synced
      c.write(ByteBuffer.wrap("-tail".getBytes(StandardCharsets.UTF_8)), 4); // append, never synced
    }
    try (FileChannel c = FileChannel.open(mnt.resolve("truncated"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(block));
      c.force(true); // fsync
      c.truncate(100);
    }
    try (FileChannel c = FileChannel.open(mnt.resolve("renamed.tmp"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(block));
      c.force(true);
    }
    Files.move(mnt.resolve("renamed.tmp"), mnt.resolve("renamed"), StandardCopyOption.ATOMIC_MOVE);
    Files.writeString(mnt.resolve("renamed-unsynced.tmp"), "lost too");
    Files.move(mnt.resolve("renamed-unsynced.tmp"), mnt.resolve("renamed-unsynced"), StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel c = FileChannel.open(mnt.resolve("dsync"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.DSYNC)) {
      c.write(ByteBuffer.wrap("each write durable".getBytes(StandardCharsets.UTF_8)));
    }
    Files.writeString(mnt.resolve("linked"), "via the other name");
    Files.createLink(mnt.resolve("link"), mnt.resolve("linked"));
    try (FileChannel c = FileChannel.open(mnt.resolve("link"), StandardOpenOption.READ)) {
      c.force(true); // an fsync of any descriptor of the inode, even read-only, as CheckpointFiles does
    }

    String report = fs.cut();
    System.out.println("self-test cut: " + report);
    Matcher m = CUT.matcher(report);
    assertTrue(m.find() && Integer.parseInt(m.group(2)) >= 4, report);
    assertThrows(IOException.class, () -> Files.writeString(mnt.resolve("after-the-cut"), "x"),
        "a filesystem without power takes no writes");
    assertThrows(IOException.class, () -> Files.readAllBytes(mnt.resolve("synced")), "nor reads");
    fs.unmount();

    assertEquals(0, Files.size(backing.resolve("never-synced")), "a file never fsynced keeps its name, not its data");
    assertEquals("kept", Files.readString(backing.resolve("synced")));
    assertArrayEquals(block, Files.readAllBytes(backing.resolve("truncated")), "an unsynced truncation is undone");
    assertArrayEquals(block, Files.readAllBytes(backing.resolve("renamed")));
    assertEquals(0, Files.size(backing.resolve("renamed-unsynced")), "renames are durable at once, data is not");
    assertEquals("each write durable", Files.readString(backing.resolve("dsync")));
    assertEquals("via the other name", Files.readString(backing.resolve("linked")));
    assertTrue(Files.notExists(backing.resolve("after-the-cut")));

    // Mounted again: the same files. A torn cut keeps a prefix of the unsynced appends (whole
    // writes, the last one maybe cut at a 512-byte boundary), never more.
    fs = mountOther(backing, List.of("--torn", "--seed", "11"));
    assertEquals("kept", Files.readString(fs.mountPoint().resolve("synced")));
    byte[] stream = new byte[64 * block.length];
    new Random(2).nextBytes(stream);
    try (FileChannel c = FileChannel.open(fs.mountPoint().resolve("torn"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(stream, 0, block.length));
      c.force(false);
      for (int off = block.length; off < stream.length; off += block.length) {
        c.write(ByteBuffer.wrap(stream, off, block.length));
      }
    }
    System.out.println("self-test torn cut: " + fs.cut());
    fs.unmount();
    byte[] left = Files.readAllBytes(backing.resolve("torn"));
    assertTrue(left.length >= block.length && left.length <= stream.length, "torn size " + left.length);
    assertArrayEquals(Arrays.copyOf(stream, left.length), left, "a torn cut keeps a prefix");

    // The write trap: the power goes during the next write crossing a page boundary to a path
    // containing "/log/"; its first page (up to the boundary) is on disk, with the file's earlier
    // unsynced writes; the other files lose theirs. (The kernel sends a write() that starts inside
    // a page as two writes: up to the page boundary, then the rest.)
    fs = mountOther(backing, List.of("--trap-write", "/log/"));
    Path logDir = Files.createDirectories(fs.mountPoint().resolve("log"));
    Files.writeString(fs.mountPoint().resolve("other"), "unsynced, lost");
    try (FileChannel c = FileChannel.open(logDir.resolve("segment"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(stream, 0, 1000)); // unsynced, kept: the trapped file keeps its earlier writes
      PowerFailFs.armAll(List.of(fs));
      assertThrows(IOException.class, () -> c.write(ByteBuffer.wrap(stream, 1000, 10_000), 4096),
          "the trapped write fails");
    }
    System.out.println("self-test write trap: " + fs.awaitCut());
    fs.unmount();
    byte[] expected = new byte[8192];
    System.arraycopy(stream, 0, expected, 0, 1000);
    System.arraycopy(stream, 1000, expected, 4096, 4096);
    assertArrayEquals(expected, Files.readAllBytes(backing.resolve("log/segment")),
        "the trapped write reached the disk up to its first page boundary");
    assertEquals(0, Files.size(backing.resolve("other")));

    // The fsync trap: the power goes at the fsync, which therefore never made anything durable.
    fs = mountOther(backing, List.of("--trap-fsync", "/incoming/"));
    Path incoming = Files.createDirectories(fs.mountPoint().resolve("incoming"));
    PowerFailFs.armAll(List.of(fs));
    try (FileChannel c = FileChannel.open(incoming.resolve("copy"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(block));
      assertThrows(IOException.class, () -> c.force(true), "the trapped fsync fails");
    }
    System.out.println("self-test fsync trap: " + fs.awaitCut());
    fs.unmount();
    assertEquals(0, Files.size(backing.resolve("incoming/copy")));
  }

  @Test
  void powerCutOnEveryNode_restartAll_noAcknowledgedWriteLost_replicasIdentical() throws Exception {
    keepingEvidence(() -> {
      long started = System.nanoTime();
      // Snapshots every 200 entries: cuts also land during checkpoints, MD5 files and log purges.
      startCluster(Map.of("n1", cutOptions(1), "n2", cutOptions(1), "n3", cutOptions(1)),
          Map.of("snapshot.every.entries", "200"));
      List<String> figures = new ArrayList<>();
      long changesDropped = 0;
      try (WriteLoad load = new WriteLoad(client, 4, 100_000, Duration.ofMinutes(4))) {
        for (int round = 1; round <= ROUNDS; round++) {
          awaitAcknowledged(load, load.acknowledgedCount() + WRITES_PER_ROUND);
          long cutAt = System.nanoTime();
          List<String> reports = cutEverything();
          Thread.sleep(200); // replies received before the cut are recorded by the writers
          Map<String, byte[]> acknowledgedAtCut = new HashMap<>(load.acknowledged());
          for (String r : reports) {
            Matcher m = CUT.matcher(r);
            assertTrue(m.find(), r);
            changesDropped += Long.parseLong(m.group(3)) - Long.parseLong(m.group(4));
          }
          String leader = remountAndRestart(cutOptions(round + 1));
          double back = (System.nanoTime() - cutAt) / 1e9;
          assertEveryAcknowledgedWriteReadable(acknowledgedAtCut);
          String line = String.format("round %d (%s cut): %d writes acknowledged before the cut, all read back; "
                  + "leader %s, back %.1f s after the cut; undone per node: %s", round,
              reports.get(0).substring(4, reports.get(0).indexOf(' ', 4)), acknowledgedAtCut.size(), leader, back,
              summaries(reports));
          System.out.println(line);
          figures.add(line);
        }
        awaitAcknowledged(load, load.acknowledgedCount() + WRITES_PER_ROUND);
        load.close();
        assertNull(load.unexpectedError(), "writes fail only with 'unavailable', never otherwise");
        String onDisk = assertEverythingKeptAndReplicasIdentical(load.acknowledged());
        figures.add(String.format("total: %d acknowledged, 0 lost, %d outcome unknown, %d failed; %s; "
                + "%d unsynced changes undone by the cuts; %.0f s", load.acknowledgedCount(), load.unknownOutcomes(),
            load.failures(), onDisk, changesDropped, (System.nanoTime() - started) / 1e9));
      }
      figures.forEach(System.out::println);
      assertTrue(changesDropped > 0, "the cuts undid something: the test is not vacuous");
    });
  }

  /**
   * The power goes while a node appends to its Raft log: the first page of that write is on disk,
   * the rest of the entry is not (nor was it fsynced or acknowledged), and the segment goes on
   * with the zeros Ratis preallocated. Every node must start again and lose nothing acknowledged.
   */
  @Test
  void powerCutInTheMiddleOfARaftLogWrite_everyNodeRestarts() throws Exception {
    keepingEvidence(() -> {
      startCluster(Map.of("n1", trap("--trap-write"), "n2", trap("--trap-write"), "n3", trap("--trap-write")),
          Map.of("snapshot.every.entries", "200"));
      try (WriteLoad load = new WriteLoad(client, 4, 100_000, Duration.ofMinutes(3))) {
        awaitAcknowledged(load, 100);
        PowerFailFs.armAll(List.copyOf(mounts.values()));
        Await.until("a trap sprung by a Raft log write", Duration.ofSeconds(60),
            () -> mounts.values().stream().anyMatch(Mount::hasCut));
        List<String> reports = cutEverything();
        System.out.println("power cut in the middle of a Raft log write:\n  " + String.join("\n  ", reports));
        Thread.sleep(200);
        Map<String, byte[]> acknowledgedAtCut = new HashMap<>(load.acknowledged());
        remountAndRestart(List.of());
        assertEveryAcknowledgedWriteReadable(acknowledgedAtCut);
        awaitAcknowledged(load, load.acknowledgedCount() + 100);
        load.close();
        assertNull(load.unexpectedError(), "writes fail only with 'unavailable', never otherwise");
        System.out.println("after the torn Raft log write: " + assertEverythingKeptAndReplicasIdentical(load.acknowledged())
            + ", " + load.acknowledgedCount() + " acknowledged, none lost");
      }
    });
  }

  /**
   * A follower that missed so much that the leader sends it a snapshot loses its power while it
   * restores that snapshot into its store (at the first fsync of the copy): the files Ratis wrote
   * for the snapshot it received were never fsynced. The follower must start again.
   */
  @Test
  void powerCutWhileAFollowerRestoresAnInstalledSnapshot_itRestarts() throws Exception {
    keepingEvidence(() -> {
      startCluster(Map.of("n3", List.of("--trap-fsync", "/db.incoming/")), Map.of("snapshot.every.entries", "50"));
      Map<String, byte[]> acknowledged = new LinkedHashMap<>();
      putValues(acknowledged, "before", 20, 512);
      long n3Index = cluster.status("n3").orElseThrow().appliedIndex();
      cluster.kill("n3");
      // 64 KiB values until the running nodes' Raft logs start after n3's last entry (a 16 MiB
      // segment filled, a snapshot, the segment purged): n3 can then only be sent a snapshot.
      for (int batch = 0; batch < 40 && !logsStartAfter(n3Index + 1); batch++) {
        putValues(acknowledged, "while-n3-is-down-" + batch, 25, 64 << 10);
      }
      assertTrue(logsStartAfter(n3Index + 1), "the running nodes purged their logs past n3's index " + n3Index);
      PowerFailFs.armAll(List.of(mounts.get("n3")));
      try {
        cluster.start("n3");
      } catch (AssertionError e) {
        if (!mounts.get("n3").hasCut()) {
          throw e;
        }
        // its disk died (the trap) before it served: that is the point
      }
      Await.until("n3 restoring a snapshot it was sent (its trap: the first fsync under db.incoming/)",
          Duration.ofSeconds(90), () -> mounts.get("n3").hasCut());
      List<String> reports = cutEverything();
      System.out.println("power cut while n3 restored a snapshot:\n  " + String.join("\n  ", reports));
      remountAndRestart(List.of());
      assertEveryAcknowledgedWriteReadable(acknowledged);
      putValues(acknowledged, "after", 20, 512);
      System.out.println("after the cut during the snapshot restore: "
          + assertEverythingKeptAndReplicasIdentical(acknowledged) + ", " + acknowledged.size() + " acknowledged, none lost");
    });
  }

  /** powerfail's options for the disks whose power round {@code round} cuts. */
  private static List<String> cutOptions(int round) {
    return TORN_ROUNDS.equals("all") || TORN_ROUNDS.equals(Integer.toString(round)) ? List.of("--torn") : List.of();
  }

  private static List<String> trap(String kind) {
    return List.of(kind, "/raft/");
  }

  // ---- the cluster on powerfail disks ----

  /** Mounts each node's powerfail disk (with {@code options} per node), starts the nodes and a client. */
  private void startCluster(Map<String, List<String>> options, Map<String, String> settings) throws Exception {
    for (String id : IDS) {
      mounts.put(id, mountNode(id, options.getOrDefault(id, List.of())));
    }
    cluster = ProcessCluster.start(dir, IDS.size(), settings);
    assertEquals(IDS, cluster.ids());
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), Duration.ofSeconds(90));
  }

  /**
   * The power of every machine goes at once: SIGKILL to every running node, then every disk cut
   * (a disk whose trap cut it already stays as it is). Returns each disk's report.
   */
  private List<String> cutEverything() throws Exception {
    List<Long> pids = new ArrayList<>();
    for (String id : IDS) {
      try {
        pids.add(cluster.pid(id));
      } catch (IllegalStateException e) {
        // not running: a node whose disk died (its trap) may have exited by itself
      }
    }
    List<String> reports = PowerFailFs.cutAll(pids, List.copyOf(mounts.values()));
    for (String id : IDS) {
      cluster.kill(id); // dead already: reaps the process
    }
    for (int i = 0; i < IDS.size(); i++) {
      System.out.println("cut " + IDS.get(i) + ": " + reports.get(i));
    }
    return reports;
  }

  /** Unmounts every disk, mounts it again (with {@code options}), restarts every node; returns the leader. */
  private String remountAndRestart(List<String> options) throws Exception {
    generation++;
    for (String id : IDS) {
      mounts.get(id).unmount();
      mounts.put(id, mountNode(id, options));
    }
    for (String id : IDS) {
      cluster.start(id);
    }
    return cluster.awaitLeader(Duration.ofSeconds(60));
  }

  /** Node {@code id}'s data directory, {@code ROOT/id/data}, on a powerfail disk {@code ROOT/id/disk}. */
  private Mount mountNode(String id, List<String> options) throws IOException {
    Path node = dir.resolve(id);
    List<String> all = new ArrayList<>(List.of("--seed", Long.toString(1000L * generation + id.hashCode())));
    all.addAll(options);
    return PowerFailFs.mount(node.resolve("disk"), node.resolve("data"), node.resolve("powerfail.log"), all);
  }

  private Mount mountOther(Path backing, List<String> options) throws IOException {
    Mount m = PowerFailFs.mount(backing, dir.resolve("mnt"), dir.resolve("powerfail.log"), options);
    otherMounts.add(m);
    return m;
  }

  /** Whether every running node's Raft log starts after {@code index} (its older segments purged). */
  private boolean logsStartAfter(long index) throws IOException {
    for (String id : IDS) {
      if (!cluster.isRunning(id)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(cluster.dataDir(id).resolve("raft"))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Matcher m = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?").matcher(f.getFileName().toString());
          if (m.matches() && Long.parseLong(m.group(1)) <= index) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private void putValues(Map<String, byte[]> acknowledged, String prefix, int count, int size) {
    Random random = new Random(prefix.hashCode());
    for (int i = 0; i < count; i++) {
      byte[] value = new byte[size];
      random.nextBytes(value);
      String key = prefix + "/" + i;
      client.put("alice", key, value);
      acknowledged.put("alice|" + key, value);
    }
  }

  private static String summaries(List<String> reports) {
    List<String> out = new ArrayList<>();
    for (String r : reports) {
      Matcher m = CUT.matcher(r);
      out.add(m.find() ? m.group(3) + " changes to " + m.group(2) + " files (" + m.group(5) + " bytes)" : "?");
    }
    return String.join(", ", out);
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

  // ---- checks ----

  /**
   * Every acknowledged write read back from the cluster and from each replica, then every node
   * stopped cleanly and the stores compared: same applied index, same digest. Returns those.
   */
  private String assertEverythingKeptAndReplicasIdentical(Map<String, byte[]> acknowledged) throws Exception {
    // Linearizable reads may write log entries (a leader's first read in its term takes the log
    // barrier), and a follower applies the last entry only once the next heartbeat tells it the
    // commit index: so read first, then wait for every replica to apply the same last entry.
    assertEveryAcknowledgedWriteReadable(acknowledged);
    Await.until("3 nodes at one applied index", Duration.ofSeconds(120), () -> {
      List<NodeStatus> all = new ArrayList<>();
      for (String id : IDS) {
        all.add(cluster.status(id).orElseThrow());
      }
      long applied = all.get(0).appliedIndex();
      return all.stream().allMatch(s -> s.appliedIndex() == applied && s.commitIndex() == applied);
    });
    for (String id : IDS) {
      try (CofferClient direct = CofferClient.builder().endpoints(cluster.clientAddress(id)).build()) {
        assertAllRead(direct, acknowledged, ReadOptions.stale(), "replica " + id);
      }
    }
    cluster.stopAllLeaderLast(IDS);
    String first = null;
    for (String id : IDS) {
      try (BlobStore store = BlobStore.open(cluster.dataDir(id).resolve("db"))) {
        String digest = "applied index " + store.appliedIndex() + ", digest "
            + HexFormat.of().formatHex(store.digest()).substring(0, 16);
        if (first == null) {
          first = digest;
        } else {
          assertEquals(first, digest, "applied index and contents of " + id);
        }
      }
    }
    return "replicas identical: " + first;
  }

  private void assertEveryAcknowledgedWriteReadable(Map<String, byte[]> acknowledged) throws Exception {
    assertAllRead(client, acknowledged, ReadOptions.linearizable(), "the cluster");
  }

  /** Reads every acknowledged write back, 32 reads in flight at a time, and compares the bytes. */
  private static void assertAllRead(CofferClient reader, Map<String, byte[]> acknowledged, ReadOptions options,
      String from) throws Exception {
    Semaphore window = new Semaphore(32);
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
      String[] parts = e.getKey().split("\\|", 2);
      window.acquire();
      reads.add(reader.getAsync(parts[0], parts[1], options)
          .thenAccept(blob -> assertArrayEquals(e.getValue(), blob.value(),
              "bytes of acknowledged " + e.getKey() + " read from " + from))
          .whenComplete((ok, error) -> window.release()));
    }
    for (CompletableFuture<Void> read : reads) {
      try {
        read.get(120, TimeUnit.SECONDS);
      } catch (ExecutionException ex) {
        throw new AssertionError("acknowledged write not read back from " + from, ex.getCause());
      }
    }
  }

  // ---- evidence ----

  interface Body {
    void run() throws Exception;
  }

  /** Runs the test; if it fails, kills the nodes and keeps their logs and disks before rethrowing. */
  private void keepingEvidence(Body body) throws Exception {
    try {
      body.run();
    } catch (Exception | AssertionError e) {
      if (cluster != null) {
        cluster.close(); // the disks stay as the failure left them
      }
      System.out.println("evidence kept in " + keepEvidence());
      throw e;
    }
  }

  /**
   * Copies each node's log, its filesystem's log, every file of its disk but table files, and a
   * listing of the disk (sizes, inodes) into target/power-loss-evidence/TIME.
   */
  private Path keepEvidence() throws IOException {
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path to = module.resolve("target/power-loss-evidence")
        .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    for (String id : IDS) {
      Path node = dir.resolve(id);
      Path out = Files.createDirectories(to.resolve(id));
      for (String log : List.of("node.log", "powerfail.log")) {
        if (Files.exists(node.resolve(log))) {
          Files.copy(node.resolve(log), out.resolve(log));
        }
      }
      Path disk = node.resolve("disk");
      if (!Files.isDirectory(disk)) {
        continue;
      }
      StringBuilder listing = new StringBuilder();
      try (Stream<Path> files = Files.walk(disk)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Path target = out.resolve("disk").resolve(disk.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(target);
            continue;
          }
          listing.append(String.format("%12d inode %d links %s %s%n", Files.size(f), Files.getAttribute(f, "unix:ino"),
              Files.getAttribute(f, "unix:nlink"), disk.relativize(f)));
          if (!f.getFileName().toString().endsWith(".sst")) {
            Files.copy(f, target);
          }
        }
      }
      Files.writeString(out.resolve("disk-listing.txt"), listing);
    }
    return to;
  }
}
