package dev.coffer.chaos.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A node's files under the cluster root ({@code ID/node.properties}, {@code ID/data}, {@code ID/node.log})
 * and its command line: the test JVM's java with a {@link ClasspathSnapshot} of its class path, run inside
 * the node's namespace. Every node binds its own namespace address, so all use the same fixed ports.
 */
final class NodeLauncher {
  static final int CLIENT_PORT = 7101;
  static final int RAFT_PORT = 7201;

  private final Path root;
  private final NetnsHosts hosts;
  private final String classpath;

  NodeLauncher(Path root, NetnsHosts hosts) {
    this.root = root;
    this.hosts = hosts;
    this.classpath = ClasspathSnapshot.copyTo(root.resolve("classpath"));
  }

  String clientAddress(String id) {
    return hosts.address(id) + ":" + CLIENT_PORT;
  }

  String raftAddress(String id) {
    return hosts.address(id) + ":" + RAFT_PORT;
  }

  Path dataDir(String id) {
    return root.resolve(id).resolve("data");
  }

  Path logFile(String id) {
    return root.resolve(id).resolve("node.log");
  }

  private Path configFile(String id) {
    return root.resolve(id).resolve("node.properties");
  }

  /** Writes every node's properties: its addresses, the full peer list, then the extra settings. */
  void writeConfigs(Map<String, String> extra) throws IOException {
    for (String id : hosts.hosts()) {
      StringBuilder conf = new StringBuilder();
      conf.append("node.id=").append(id).append('\n');
      conf.append("data.dir=").append(dataDir(id)).append('\n');
      conf.append("client.address=").append(clientAddress(id)).append('\n');
      conf.append("raft.address=").append(raftAddress(id)).append('\n');
      for (String peer : hosts.hosts()) {
        conf.append("peer.").append(peer).append('=').append(raftAddress(peer)).append(',')
            .append(clientAddress(peer)).append('\n');
      }
      extra.forEach((k, v) -> conf.append(k).append('=').append(v).append('\n'));
      Files.createDirectories(root.resolve(id));
      Files.writeString(configFile(id), conf.toString());
    }
  }

  /** Starts the node JVM in its namespace, appending its output to its log file. */
  Process launch(String id, boolean bootstrap) throws IOException {
    return launch(id, bootstrap ? List.of("--bootstrap") : List.of());
  }

  /** Starts the node JVM with extra flags (e.g. {@code --join}). */
  Process launch(String id, List<String> flags) throws IOException {
    List<String> java = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
        "-XX:MaxDirectMemorySize=256m",
        // RocksDB unpacks its native library into the temp dir; a kill -9 would leave it in /tmp.
        "-Djava.io.tmpdir=" + Files.createDirectories(root.resolve(id).resolve("tmp")),
        "-cp", classpath,
        "dev.coffer.node.NodeMain", "--config", configFile(id).toString()));
    java.addAll(flags);
    return new ProcessBuilder(hosts.commandOn(id, java))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(id).toFile()))
        .start();
  }

  /** Deletes the node's whole data directory, as if its disk died. */
  void deleteData(String id) {
    Path dir = dataDir(id);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /** The last 30 lines of the node's log. */
  String tail(String id) {
    try {
      List<String> lines = Files.readAllLines(logFile(id));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
