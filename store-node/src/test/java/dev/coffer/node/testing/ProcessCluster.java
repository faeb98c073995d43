package dev.coffer.node.testing;

import dev.coffer.client.CofferClient;
import dev.coffer.client.TlsFiles;
import dev.coffer.client.NodeStatus;
import dev.coffer.node.storage.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A cluster of real node processes (one JVM each) on loopback. {@link #kill} sends SIGKILL —
 * the same as {@code kill -9} — to the node's own PID; every process started here is killed in
 * {@link #close}, whatever happened in the test.
 */
public final class ProcessCluster implements AutoCloseable {
  /** The exit status of a node whose clean stop hung (NodeMain's BoundedShutdown). */
  private static final int SHUTDOWN_STUCK_EXIT = 71;
  private final Path root;
  private final List<String> ids = new ArrayList<>();
  private final Map<String, String> clientAddresses = new LinkedHashMap<>();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final CofferClient statusClient;

  private final Map<String, String> raftAddresses = new LinkedHashMap<>();
  private final Map<String, String> extra;
  private final Optional<Path> tlsDir;

  private ProcessCluster(Path root, int size, Map<String, String> extra, Optional<Path> tlsDir) throws IOException {
    this.root = root;
    this.extra = extra;
    this.tlsDir = tlsDir;
    for (int i = 1; i <= size; i++) {
      allocate("n" + i);
    }
    for (String id : ids) {
      writeConfig(id);
    }
    var status = CofferClient.builder().endpoints(endpoints()).connectTimeout(Duration.ofSeconds(1))
        .requestTimeout(Duration.ofSeconds(2));
    tlsDir.ifPresent(dir -> status.tls(TlsFiles.inDirectory(dir, "admin")));
    statusClient = status.build();
  }

  private final Map<String, String> adminAddresses = new LinkedHashMap<>();

  private void allocate(String id) {
    ids.add(id);
    clientAddresses.put(id, "127.0.0.1:" + FreePorts.next());
    raftAddresses.put(id, "127.0.0.1:" + FreePorts.next());
    adminAddresses.put(id, "127.0.0.1:" + FreePorts.next());
  }

  /** Node {@code id}'s admin (HTTP) address; it is configured only in TLS clusters. */
  public String adminAddress(String id) {
    return adminAddresses.get(id);
  }

  private void writeConfig(String id) throws IOException {
    StringBuilder conf = new StringBuilder();
    conf.append("node.id=").append(id).append('\n');
    conf.append("data.dir=").append(dataDir(id)).append('\n');
    conf.append("client.address=").append(clientAddresses.get(id)).append('\n');
    conf.append("raft.address=").append(raftAddresses.get(id)).append('\n');
    for (String peer : ids) {
      conf.append("peer.").append(peer).append('=').append(raftAddresses.get(peer)).append(',')
          .append(clientAddresses.get(peer)).append('\n');
    }
    extra.forEach((k, v) -> conf.append(k).append('=').append(v).append('\n'));
    tlsDir.ifPresent(dir -> conf.append("admin.address=").append(adminAddresses.get(id)).append('\n')
        .append("tls.ca=").append(dir.resolve("ca.pem")).append('\n')
        .append("tls.cert=").append(dir.resolve(id + ".pem")).append('\n')
        .append("tls.key=").append(dir.resolve(id + ".key")).append('\n'));
    Files.createDirectories(root.resolve(id));
    Files.writeString(configFile(id), conf.toString());
  }

  /**
   * Makes and starts one more node, empty and started with {@code --join}: it serves, as a
   * listener outside the group, until a membership change adds it. Returns its id.
   */
  public String startJoiningNode() throws IOException {
    String id = "n" + (ids.size() + 1);
    allocate(id);
    writeConfig(id);
    launch(id, List.of("--join"));
    awaitServing(id);
    return id;
  }

  public static ProcessCluster start(Path root, int size, Map<String, String> extraSettings) throws Exception {
    return startAll(new ProcessCluster(root, size, extraSettings, Optional.empty()), true);
  }

  /**
   * As {@link #start}, with mutual TLS on every port: node nI uses {@code tlsDir/nI.pem} and
   * {@code .key} and {@code tlsDir/ca.pem}; the cluster's own status client is {@code admin}.
   */
  public static ProcessCluster startTls(Path root, int size, Path tlsDir) throws Exception {
    return startTls(root, size, tlsDir, Map.of());
  }

  /** As {@link #startTls(Path, int, Path)}, with {@code extraSettings} in every node's configuration. */
  public static ProcessCluster startTls(Path root, int size, Path tlsDir, Map<String, String> extraSettings)
      throws Exception {
    return startAll(new ProcessCluster(root, size, extraSettings, Optional.of(tlsDir)), true);
  }

  /**
   * Starts a new cluster on node folders {@code root/n1..nN} that a restore prepared (each
   * {@code nI/data} holds the backup's snapshot and Raft term): writes their configuration, keeps
   * their data, and starts them without {@code --bootstrap}, as restarted nodes.
   */
  public static ProcessCluster startRestored(Path root, int size, Map<String, String> extraSettings) throws Exception {
    return startAll(new ProcessCluster(root, size, extraSettings, Optional.empty()), false);
  }

  /** Starts every node, waits until each serves and a leader is elected; stops them all on failure. */
  private static ProcessCluster startAll(ProcessCluster cluster, boolean bootstrap) throws Exception {
    try {
      for (String id : cluster.ids) {
        cluster.launch(id, bootstrap);
      }
      for (String id : cluster.ids) {
        cluster.awaitServing(id);
      }
      cluster.awaitLeader(Duration.ofSeconds(60));
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public Path dataDir(String id) {
    return root.resolve(id).resolve("data");
  }

  private Path configFile(String id) {
    return root.resolve(id).resolve("node.properties");
  }

  private Path tmpDir(String id) throws IOException {
    return Files.createDirectories(root.resolve(id).resolve("tmp"));
  }

  public Path logFile(String id) {
    return root.resolve(id).resolve("node.log");
  }

  private void launch(String id, boolean bootstrap) throws IOException {
    launch(id, bootstrap ? List.of("--bootstrap") : List.of());
  }

  /** The command that starts a node process from the test classpath; {@code --config FILE} and flags follow it. */
  public static List<String> nodeCommand(Path tmpDir) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        // A node that cannot allocate dies at once and is restarted, never lingers half-alive.
        "-XX:+ExitOnOutOfMemoryError", "-XX:MaxDirectMemorySize=256m",
        // RocksDB unpacks its native library into the temp dir; a kill -9 leaves it behind there.
        "-Djava.io.tmpdir=" + tmpDir,
        "-cp", System.getProperty("java.class.path"),
        "dev.coffer.node.NodeMain");
  }

  private void launch(String id, List<String> flags) throws IOException {
    List<String> command = new ArrayList<>(nodeCommand(tmpDir(id)));
    command.addAll(List.of("--config", configFile(id).toString()));
    command.addAll(flags);
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(id).toFile()))
        .start();
    processes.put(id, p);
  }

  /** Restarts a node on its existing data directory (empty after {@link #wipe}); waits until it serves. */
  public void start(String id) throws IOException {
    if (isRunning(id)) {
      throw new IllegalStateException(id + " is already running");
    }
    launch(id, false);
    awaitServing(id);
  }

  /** As {@link #start(String)}, with extra command-line flags (e.g. {@code --join ADDRESS}). */
  public void startWith(String id, String... flags) throws IOException {
    if (isRunning(id)) {
      throw new IllegalStateException(id + " is already running");
    }
    launch(id, List.of(flags));
    awaitServing(id);
  }

  /**
   * Starts node {@code id} with {@code flags} for a start that must fail: waits for it to exit and
   * returns its exit status. A node still running after {@code timeout} is killed and fails the test.
   */
  public int runUntilExit(String id, Duration timeout, String... flags) throws IOException, InterruptedException {
    if (isRunning(id)) {
      throw new IllegalStateException(id + " is already running");
    }
    launch(id, List.of(flags));
    Process p = processes.get(id);
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill(id);
      throw new AssertionError(id + " was still running " + timeout + " after starting with " + List.of(flags)
          + "; log: " + tail(id));
    }
    processes.remove(id);
    return p.exitValue();
  }

  /** SIGKILL, i.e. {@code kill -9 PID}: no shutdown hook, no flush. */
  public void kill(String id) throws InterruptedException {
    Process p = processes.remove(id);
    if (p != null) {
      p.destroyForcibly();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(id + " (pid " + p.pid() + ") did not die after SIGKILL");
      }
    }
  }

  /** SIGTERM: the node shuts down cleanly (flushes RocksDB, closes Raft). */
  public void stopGracefully(String id) throws InterruptedException, IOException {
    Process p = processes.remove(id);
    if (p != null) {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        Path dump = ThreadDumps.write(p.pid(), root.resolve(id).resolve("threads-at-sigterm-timeout.txt"));
        p.destroyForcibly();
        throw new AssertionError(id + " did not stop within 60 s of SIGTERM; its threads: " + dump);
      }
      if (p.exitValue() == SHUTDOWN_STUCK_EXIT) {
        String log = Files.readString(logFile(id));
        System.out.println("Log of " + id + ", which hung while shutting down:\n" + log);
        throw new AssertionError(id + " hung while shutting down and halted itself; where it waited:\n"
            + ThreadDumps.stacksOf(log, "close-node", "StateMachineUpdater", "shutdown"));
      }
    }
  }

  /**
   * Stops {@code ids} gracefully, the leader last, so that nothing new commits while they stop:
   * stopping the leader first would have the others elect a leader whose first entry reaches
   * only the replicas still running (one stopped a moment later misses it), and the replicas
   * would then differ on disk by that entry.
   */
  public void stopAllLeaderLast(List<String> ids) throws InterruptedException, IOException {
    List<String> order = new ArrayList<>(ids);
    order.sort(java.util.Comparator.comparing(
        (String id) -> status(id).map(s -> s.role().equals("LEADER")).orElse(false)));
    for (String id : order) {
      stopGracefully(id);
    }
  }

  /** SIGKILL, then delete the node's whole data directory, as if its disk died. */
  public void wipe(String id) throws Exception {
    kill(id);
    Directories.deleteTree(dataDir(id));
  }

  /** The node's process id; it must be running. */
  public long pid(String id) {
    Process p = processes.get(id);
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(id + " is not running");
    }
    return p.pid();
  }

  /** The node's resident memory now, in bytes (VmRSS of /proc/PID/status). */
  public long residentBytes(String id) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid(id)), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid(id) + "/status");
  }

  public boolean isRunning(String id) {
    Process p = processes.get(id);
    return p != null && p.isAlive();
  }

  public List<String> ids() {
    return ids;
  }

  public String clientAddress(String id) {
    return clientAddresses.get(id);
  }

  public String raftAddress(String id) {
    return raftAddresses.get(id);
  }

  public String endpoints() {
    return ids.stream().map(clientAddresses::get).collect(Collectors.joining(","));
  }

  public Optional<NodeStatus> status(String id) {
    try {
      return Optional.of(statusClient.status(clientAddresses.get(id)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The status of a running node that says it leads, or null. */
  public NodeStatus leaderStatus() {
    for (String id : ids) {
      NodeStatus s = isRunning(id) ? status(id).orElse(null) : null;
      if (s != null && "LEADER".equals(s.role())) {
        return s;
      }
    }
    return null;
  }

  public String awaitLeader(Duration timeout) {
    String[] leader = new String[1];
    Await.until("a leader", timeout, () -> {
      for (String id : ids) {
        Optional<NodeStatus> s = isRunning(id) ? status(id) : Optional.empty();
        if (s.isPresent() && "LEADER".equals(s.get().role())) {
          leader[0] = id;
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  private void awaitServing(String id) {
    Await.until(id + " serving clients (see " + logFile(id) + ")", Duration.ofSeconds(120), () -> {
      if (!isRunning(id)) {
        throw new AssertionError(id + " exited during start-up; log: " + tail(id));
      }
      return status(id).isPresent();
    });
  }

  public String tail(String id) {
    try {
      List<String> lines = Files.readAllLines(logFile(id));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    statusClient.close();
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
    for (Process p : processes.values()) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }
}
