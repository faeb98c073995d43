package dev.coffer.node;

import dev.coffer.node.backup.BackupInstall;
import dev.coffer.node.backup.UserExportCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The node process: {@code java -jar coffer-node.jar --config node.properties [--bootstrap | --join [ADDRESS]]}. */
@Command(name = "coffer-node", mixinStandardHelpOptions = true, versionProvider = NodeMain.Version.class,
    subcommands = UserExportCommand.class,
    description = "Runs one Coffer node: a Raft replica of the blob store that serves clients.",
    footer = "%nSettings come from the --config file; the options below override them.")
public final class NodeMain implements Callable<Integer> {
  /** Exit status when the local store fails: the process stops and is rebuilt from its peers. */
  static final int EXIT_STORAGE_FAILURE = 70;
  /** How long a clean stop may take before the node halts (see {@link BoundedShutdown}). */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

  @Option(names = "--config", paramLabel = "FILE", description = "properties file (see docs/operations.md)")
  Path config;

  @Option(names = "--bootstrap", description = "first start of a brand-new cluster: format empty storage "
      + "instead of treating it as a lost disk to rebuild from the other nodes")
  boolean bootstrap;

  /** null: not given; "" (picocli's fallback): given without an address; else the address. */
  @Option(names = "--join", arity = "0..1", fallbackValue = "", paramLabel = "CLIENT_ADDRESS",
      description = {"Without an address: a new node for an existing cluster; it starts empty and waits, as a "
          + "non-voting listener, until 'coffer member add' adds it.",
          "With the client address (client.address, as in COFFER_ENDPOINTS) of any live member: a node "
          + "that lost its data rejoins the cluster that member belongs to, when no member its --config "
          + "file names is up any more: it learns the current members from that one, then rejoins as a "
          + "wiped node does (removed, listener, caught up, voter). Ignored by a node that has its data. "
          + "Fails (exit 1) if no Coffer node answers there within 15 s."})
  String join;

  @Option(names = "--restore-from", paramLabel = "BACKUP",
      description = {"Start a new cluster's node from a backup (a backup directory, or a backup set: its newest): "
          + "the empty data directory gets the backup's state, which the node continues from. Every node of the "
          + "new cluster starts this way, without --bootstrap. Ignored by a node that has its Raft state. See "
          + "docs/operations.md, \"Backup and restore\"."})
  Path restoreFrom;

  @Option(names = "--id", description = "node id (node.id)")
  String id;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (data.dir)")
  String dataDir;

  @Option(names = "--client-address", paramLabel = "HOST:PORT", description = "client.address")
  String clientAddress;

  @Option(names = "--raft-address", paramLabel = "HOST:PORT", description = "raft.address")
  String raftAddress;

  @Option(names = "--admin-address", paramLabel = "HOST:PORT",
      description = "admin.address: HTTP /metrics, /health, /status")
  String adminAddress;

  @Option(names = "--peer", paramLabel = "ID=RAFT_HOST:PORT,CLIENT_HOST:PORT",
      description = "a cluster member (peer.ID); repeat for each, this node included")
  List<String> peers = List.of();

  @Option(names = "--max-value-bytes", paramLabel = "N", description = "largest value accepted (max.value.bytes)")
  Integer maxValueBytes;

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    putIfSet(overrides, "node.id", id);
    putIfSet(overrides, "data.dir", dataDir);
    putIfSet(overrides, "client.address", clientAddress);
    putIfSet(overrides, "raft.address", raftAddress);
    putIfSet(overrides, "admin.address", adminAddress);
    putIfSet(overrides, "max.value.bytes", maxValueBytes == null ? null : maxValueBytes.toString());
    for (String peer : peers) {
      int eq = peer.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--peer must be ID=RAFT_HOST:PORT,CLIENT_HOST:PORT");
      }
      overrides.put("peer." + peer.substring(0, eq), peer.substring(eq + 1));
    }
    boolean waitToBeAdded = join != null && join.isBlank();
    String joinAddress = join == null || join.isBlank() ? null : join;
    NodeConfig nodeConfig = NodeConfig.load(config, overrides, bootstrap, waitToBeAdded, joinAddress);
    System.setProperty("coffer.node.id", nodeConfig.nodeId());
    Logger log = LoggerFactory.getLogger(NodeMain.class);
    if (restoreFrom != null) {
      if (bootstrap || join != null) {
        throw new IllegalArgumentException("--restore-from starts a node of a new cluster from a backup: it "
            + "cannot be combined with --bootstrap or --join");
      }
      if (BackupInstall.hasRaftState(nodeConfig)) {
        log.warn("Node {} already has its Raft state: --restore-from {} is ignored (a restore starts a new "
            + "cluster on empty data directories)", nodeConfig.nodeId(), restoreFrom);
      } else {
        BackupInstall.request(nodeConfig, restoreFrom);
      }
    }

    CofferNode node = CofferNode.start(nodeConfig, () -> {
      log.error("Stopping node {}: its storage failed (see above). Restart it to rebuild it from the others.",
          nodeConfig.nodeId());
      Runtime.getRuntime().halt(EXIT_STORAGE_FAILURE);
    });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Shutting down node {}", nodeConfig.nodeId());
      BoundedShutdown.run(nodeConfig.nodeId(), node, SHUTDOWN_GRACE);
      log.info("Node {} stopped", nodeConfig.nodeId());
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  private static void putIfSet(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"coffer-node " + CofferVersion.get()};
    }
  }

  /** "message; caused by X: message; ..." — the whole chain, without a stack trace. */
  static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      sb.append("; caused by ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
    }
    return sb.toString();
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new NodeMain());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("coffer-node: " + (e instanceof IllegalArgumentException ? "bad configuration: "
          : "cannot start: ") + causes(e));
      return 1;
    });
    System.exit(cli.execute(args));
  }
}
