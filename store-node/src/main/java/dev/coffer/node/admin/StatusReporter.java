package dev.coffer.node.admin;

import dev.coffer.node.CofferVersion;
import dev.coffer.node.NodeConfig;
import dev.coffer.node.raft.BlobStateMachine;
import dev.coffer.node.raft.RaftGateway;
import dev.coffer.proto.StatusResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * This node's full status: the Raft view plus disk use, free space, version and storage health.
 * Walks the data directory, so call it off the network event loops.
 */
public final class StatusReporter {
  private final NodeConfig config;
  private final RaftGateway raft;
  private final BlobStateMachine stateMachine;

  public StatusReporter(NodeConfig config, RaftGateway raft, BlobStateMachine stateMachine) {
    this.config = config;
    this.raft = raft;
    this.stateMachine = stateMachine;
  }

  public StatusResult status() {
    return raft.status().toBuilder()
        .setDataBytes(dataBytes(config.dataDir()))
        .setDiskFreeBytes(config.dataDir().toFile().getUsableSpace())
        .setVersion(CofferVersion.get())
        .setStorageFailed(stateMachine.storageFailed())
        .build();
  }

  /** Bytes of the files under {@code dir}, each hard-linked file counted once (snapshots share RocksDB's files). */
  static long dataBytes(Path dir) {
    Set<Object> seen = new HashSet<>();
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(f -> {
        try {
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
          Object key = a.fileKey() == null ? f : a.fileKey();
          return a.isRegularFile() && seen.add(key) ? a.size() : 0;
        } catch (IOException e) {
          return 0; // removed while walking (a compaction, a snapshot clean-up)
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }
}
