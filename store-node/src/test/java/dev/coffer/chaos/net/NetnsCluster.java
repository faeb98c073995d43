package dev.coffer.chaos.net;

import dev.coffer.client.CofferClient;
import dev.coffer.client.NodeStatus;
import dev.coffer.node.testing.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A cluster of real node JVMs, node i in host i's network namespace (see {@link NetnsHosts}), so faults
 * can cut the network between nodes while the test JVM, in the root namespace, still reaches every
 * node. {@code ip netns exec} execs the JVM, so a node's {@link Process} PID is the java PID itself and
 * kill/stop signals reach the node, not a wrapper. {@link #close} kills every node (after resuming
 * paused ones) and then removes the namespaces, whatever happened in the test.
 */
public final class NetnsCluster implements AutoCloseable {
  private static final Duration SERVING_TIMEOUT = Duration.ofSeconds(120);

  private final Path root;
  private final NetnsHosts hosts;
  private final List<String> ids;
  private final NodeLauncher nodes;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Set<String> paused = new LinkedHashSet<>();
  private final CofferClient statusClient;
  /** Kills the nodes if the test JVM exits without {@link #close} (e.g. surefire timed out). */
  private final Thread killOnExit = new Thread(this::destroyAll, "netns-cluster-kill");

  private NetnsCluster(Path root, NetnsHosts hosts, Map<String, String> extra) throws IOException {
    this.root = root;
    this.hosts = hosts;
    this.ids = hosts.hosts();
    this.nodes = new NodeLauncher(root, hosts);
    nodes.writeConfigs(extra);
    statusClient = CofferClient.builder().endpoints(endpoints()).connectTimeout(Duration.ofSeconds(1))
        .requestTimeout(Duration.ofSeconds(1)).build();
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Creates the hosts, bootstraps nodes n1..n{size} on them and waits until they serve and elect a leader. */
  public static NetnsCluster start(Path root, int size, Map<String, String> extraSettings) throws IOException {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      ids.add("n" + i);
    }
    NetnsHosts hosts = NetnsHosts.create(ids);
    NetnsCluster cluster = null;
    try {
      cluster = new NetnsCluster(root, hosts, extraSettings);
      for (String id : ids) {
        cluster.launch(id, true);
      }
      for (String id : ids) {
        cluster.awaitServing(id);
      }
      cluster.awaitLeader(Duration.ofSeconds(60));
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      if (cluster != null) {
        cluster.close();
      } else {
        hosts.close();
      }
      throw e;
    }
  }

  public List<String> ids() {
    return ids;
  }

  public NetnsHosts hosts() {
    return hosts;
  }

  public String clientAddress(String id) {
    return nodes.clientAddress(id);
  }

  /** Every node's client address, comma-separated, for {@code CofferClient.builder().endpoints(..)}. */
  public String endpoints() {
    return ids.stream().map(this::clientAddress).collect(Collectors.joining(","));
  }

  public Path dataDir(String id) {
    return nodes.dataDir(id);
  }

  public Path logFile(String id) {
    return nodes.logFile(id);
  }

  /** The last 30 lines of the node's log. */
  public String tail(String id) {
    return nodes.tail(id);
  }

  private synchronized void launch(String id, boolean bootstrap) throws IOException {
    processes.put(id, nodes.launch(id, bootstrap));
  }

  /** Restarts a stopped node on its data directory (empty after {@link #wipe}); waits until it serves. */
  public void start(String id) throws IOException {
    if (isRunning(id)) {
      throw new IllegalStateException(id + " is already running");
    }
    launch(id, false);
    awaitServing(id);
  }

  /**
   * Starts a node with an empty data directory and {@code --join}: it waits, as a listener outside
   * the group, until a membership change adds it. Waits until it serves.
   */
  public void startJoining(String id) throws IOException {
    if (isRunning(id)) {
      throw new IllegalStateException(id + " is already running");
    }
    synchronized (this) {
      processes.put(id, nodes.launch(id, List.of("--join")));
    }
    awaitServing(id);
  }

  /** SIGKILL ({@code kill -9}) to the node's java PID; works on a paused node too. */
  public void kill(String id) {
    Process p = removeProcess(id);
    if (p != null) {
      p.destroyForcibly();
      awaitExit(id, p, Duration.ofSeconds(30), "SIGKILL");
    }
  }

  /** SIGTERM: the node shuts down cleanly. A paused node is resumed first, or it could not run its hook. */
  public void stopGracefully(String id) {
    if (isPaused(id)) {
      resume(id);
    }
    Process p = removeProcess(id);
    if (p != null) {
      p.destroy();
      awaitExit(id, p, Duration.ofSeconds(60), "SIGTERM");
    }
  }

  /** SIGKILL, then delete the node's data directory, as if its disk died. */
  public void wipe(String id) {
    kill(id);
    nodes.deleteData(id);
  }

  /** SIGSTOP: the JVM freezes with its sockets open, like a long GC pause or a hung host. */
  public synchronized void pause(String id) {
    Process p = requireRunning(id);
    if (!paused.contains(id)) {
      Shell.run("kill", "-STOP", Long.toString(p.pid()));
      paused.add(id);
    }
  }

  /** SIGCONT for a node {@link #pause}d before. */
  public synchronized void resume(String id) {
    Process p = requireRunning(id);
    if (paused.contains(id)) {
      Shell.run("kill", "-CONT", Long.toString(p.pid()));
      paused.remove(id);
    }
  }

  public synchronized boolean isPaused(String id) {
    return paused.contains(id);
  }

  public synchronized boolean isRunning(String id) {
    Process p = processes.get(id);
    return p != null && p.isAlive();
  }

  /** The node's java PID. */
  public synchronized long pid(String id) {
    return requireRunning(id).pid();
  }

  /** The node's own status; empty when it does not answer within a second. */
  public Optional<NodeStatus> status(String id) {
    try {
      return Optional.of(statusClient.status(clientAddress(id)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * One poll of every running, unpaused node, in parallel (so a slow node costs at most 1.5 s);
   * nodes that fail to answer are left out.
   */
  public ClusterView view() {
    Map<String, CompletableFuture<NodeStatus>> pending = new LinkedHashMap<>();
    for (String id : ids) {
      if (isRunning(id) && !isPaused(id)) {
        pending.put(id, statusClient.statusAsync(clientAddress(id)));
      }
    }
    Map<String, NodeStatus> answered = new LinkedHashMap<>();
    pending.forEach((id, future) -> {
      try {
        answered.put(id, future.get(1500, TimeUnit.MILLISECONDS));
      } catch (Exception e) {
        future.cancel(true);
      }
    });
    return new ClusterView(ids.size(), answered);
  }

  /** Waits for a leader that a majority follows (see {@link ClusterView#stableLeader}) and returns it. */
  public String awaitLeader(Duration timeout) {
    String[] leader = new String[1];
    awaitOrDiagnose("a leader followed by a majority", timeout, () -> {
      leader[0] = view().stableLeader().orElse(null);
      return leader[0] != null;
    });
    return leader[0];
  }

  /** Waits until {@code id} is a voter again (a wiped node rejoins as a listener first). */
  public void awaitVoter(String id, Duration timeout) {
    awaitOrDiagnose(id + " a voter", timeout, () -> view().isVoter(id));
  }

  /** Waits until {@code id} has applied everything the leader had committed when this call began. */
  public void awaitCaughtUp(String id, Duration timeout) {
    long target = view().stableLeader().flatMap(this::status).orElseThrow(
        () -> new AssertionError("no leader to catch up with: " + view())).commitIndex();
    awaitOrDiagnose(id + " applied index >= " + target, timeout,
        () -> status(id).map(s -> s.appliedIndex() >= target).orElse(false));
  }

  /** Waits until every node answers as a voter at one and the same applied index; needs writes stopped. */
  public void awaitConverged(Duration timeout) {
    awaitOrDiagnose("all nodes converged", timeout, () -> view().converged(ids));
  }

  /** {@link Await#until}, with every node's status and the node logs' location added to a timeout. */
  private void awaitOrDiagnose(String what, Duration timeout, BooleanSupplier condition) {
    try {
      Await.until(what, timeout, condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; statuses: " + view() + "; logs under " + root, e);
    }
  }

  private void awaitServing(String id) {
    Await.until(id + " serving clients (see " + logFile(id) + ")", SERVING_TIMEOUT, () -> {
      if (!isRunning(id)) {
        throw new AssertionError(id + " exited during start-up; log:\n" + tail(id));
      }
      return status(id).isPresent();
    });
  }

  private synchronized Process requireRunning(String id) {
    if (!isRunning(id)) {
      throw new IllegalStateException(id + " is not running");
    }
    return processes.get(id);
  }

  private synchronized Process removeProcess(String id) {
    paused.remove(id);
    return processes.remove(id);
  }

  private static void awaitExit(String id, Process p, Duration timeout, String signal) {
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(id + " (pid " + p.pid() + ") did not exit within " + timeout + " of " + signal);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + id + " to exit");
    }
  }

  /** Resumes paused nodes, SIGKILLs every node and waits for it, then removes the hosts. */
  @Override
  public void close() {
    try {
      statusClient.close();
      destroyAll();
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    } finally {
      hosts.close();
    }
  }

  private void destroyAll() {
    List<Process> all;
    synchronized (this) {
      for (String id : paused) {
        try {
          // resumed first so no node is left frozen should the SIGKILL below fail
          Shell.attempt(Shell.DEFAULT_TIMEOUT, "kill", "-CONT", Long.toString(processes.get(id).pid()));
        } catch (RuntimeException e) {
          // the SIGKILL below ends it anyway
        }
      }
      paused.clear();
      all = new ArrayList<>(processes.values());
      processes.clear();
    }
    all.forEach(Process::destroyForcibly);
    for (Process p : all) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
