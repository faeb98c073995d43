package dev.coffer.node.testing;

import dev.coffer.node.CofferNode;
import dev.coffer.node.NodeConfig;
import dev.coffer.node.storage.Directories;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Real Coffer nodes (Ratis, RocksDB on disk, Netty on loopback) in this JVM, for tests. Nodes
 * can be stopped, restarted on their data, or have their data directory wiped.
 */
public final class InProcessCluster implements AutoCloseable {
  private final Path root;
  private final Map<String, String> common;
  private final List<String> ids = new ArrayList<>();
  private final Map<String, CofferNode> running = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> settings = new LinkedHashMap<>();

  private InProcessCluster(Path root, int size, Map<String, String> extra) {
    this.root = root;
    this.common = new LinkedHashMap<>(extra);
    for (int i = 1; i <= size; i++) {
      String id = "n" + i;
      ids.add(id);
      Map<String, String> s = new LinkedHashMap<>();
      s.put("node.id", id);
      s.put("data.dir", root.resolve(id).toString());
      s.put("client.address", "127.0.0.1:" + FreePorts.next());
      s.put("raft.address", "127.0.0.1:" + FreePorts.next());
      s.put("admin.address", "127.0.0.1:" + FreePorts.next());
      settings.put(id, s);
    }
    for (String id : ids) {
      Map<String, String> s = settings.get(id);
      for (String peer : ids) {
        s.put("peer." + peer, settings.get(peer).get("raft.address") + "," + settings.get(peer).get("client.address"));
      }
      s.putAll(common);
    }
  }

  /** Starts a new cluster of {@code size} nodes under {@code root} and waits for a leader. */
  public static InProcessCluster start(Path root, int size, Map<String, String> extraSettings) throws Exception {
    try {
      return startOnce(root, size, extraSettings);
    } catch (IOException e) {
      // A port picked as free can be taken before the node binds it; pick new ports once.
      if (!(rootCause(e) instanceof java.net.BindException)) {
        throw e;
      }
      Directories.deleteTree(root);
      return startOnce(root, size, extraSettings);
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static InProcessCluster startOnce(Path root, int size, Map<String, String> extraSettings) throws Exception {
    InProcessCluster cluster = new InProcessCluster(root, size, extraSettings);
    try {
      for (String id : cluster.ids) {
        cluster.startNode(id, true);
      }
      cluster.awaitLeader();
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void startNode(String id, boolean bootstrap) throws Exception {
    CofferNode node = CofferNode.start(NodeConfig.of(settings.get(id), bootstrap), () -> { });
    running.put(id, node);
  }

  /** Restarts a stopped node on whatever its data directory holds (nothing, after a wipe). */
  public void restart(String id) throws Exception {
    startNode(id, false);
  }

  public void stop(String id) throws IOException {
    CofferNode node = running.remove(id);
    if (node != null) {
      node.close();
    }
  }

  /** Stops the node and deletes its whole data directory, as if its disk died. */
  public void wipe(String id) throws IOException {
    stop(id);
    Directories.deleteTree(Path.of(settings.get(id).get("data.dir")));
  }

  public CofferNode node(String id) {
    CofferNode node = running.get(id);
    if (node == null) {
      throw new IllegalStateException(id + " is not running");
    }
    return node;
  }

  public List<String> ids() {
    return ids;
  }

  public List<String> runningIds() {
    return List.copyOf(running.keySet());
  }

  public String clientAddress(String id) {
    return settings.get(id).get("client.address");
  }

  public String adminAddress(String id) {
    return settings.get(id).get("admin.address");
  }

  public String endpoints() {
    return ids.stream().map(this::clientAddress).collect(Collectors.joining(","));
  }

  /** Waits until one running node is leader and returns its id. */
  public String awaitLeader() {
    String[] leader = new String[1];
    Await.until("a leader among " + running.keySet(), Duration.ofSeconds(30), () -> {
      for (Map.Entry<String, CofferNode> e : running.entrySet()) {
        if (e.getValue().raft().isLeader() && e.getValue().raft().division().getInfo().isLeaderReady()) {
          leader[0] = e.getKey();
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  /** Waits until every running node has applied the same index, and returns it. */
  public long awaitConverged(Duration timeout) {
    long[] index = new long[1];
    Await.until("all of " + running.keySet() + " at the same applied index", timeout, () -> {
      List<Long> applied = running.values().stream().map(n -> n.raft().appliedIndex()).distinct().toList();
      List<Long> commits = running.values().stream()
          .map(n -> n.raft().division().getRaftLog().getLastCommittedIndex()).distinct().toList();
      index[0] = applied.get(0);
      return applied.size() == 1 && commits.size() == 1 && commits.get(0) == index[0];
    });
    return index[0];
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (String id : List.copyOf(running.keySet())) {
      try {
        stop(id);
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
