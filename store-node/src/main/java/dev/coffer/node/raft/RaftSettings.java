package dev.coffer.node.raft;

import dev.coffer.node.NodeConfig;
import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** The Ratis settings Coffer depends on, in one place; see docs/design.md for why each matters. */
public final class RaftSettings {
  private static final long STAGING_TIMEOUT_MS = 120_000;
  private RaftSettings() {}

  /** The largest Raft log entry: one maximal value plus a batch of smaller writes. */
  public static int maxEntryBytes(NodeConfig config) {
    return 2 * config.maxValueBytes() + (1 << 20);
  }

  public static RaftProperties serverProperties(NodeConfig config) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    String raftAddress = config.raftAddress();
    int colon = raftAddress.lastIndexOf(':');
    // Bind to the configured host only, never to all interfaces.
    GrpcConfigKeys.Server.setHost(p, raftAddress.substring(0, colon));
    GrpcConfigKeys.Server.setPort(p, Integer.parseInt(raftAddress.substring(colon + 1)));
    RaftServerConfigKeys.setStorageDir(p, List.of(config.raftDir().toFile()));

    // Reads go through ReadIndex; Ratis's default (DEFAULT) is not linearizable.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);

    // JVMs sharing two cores stall for GC and JIT: 150-300 ms elections would fire needlessly.
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(config.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(config.electionTimeoutMax().toMillis()));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, millis(5_000));
    RaftServerConfigKeys.LeaderElection.setPreVote(p, true);

    // Every entry is fsynced before it counts toward a commit.
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);
    RaftServerConfigKeys.Log.setCorruptionPolicy(p, RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION);
    // Followers append each request on its own, not through Ratis 3.3.0's composed append chain: one
    // failed append there (a race after a leader change) fails every later append on that follower
    // until it restarts, and it stops catching up for good (docs/design.md, "Ratis 3.3.0 replication stall").
    RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, false);

    // Entries are as large as one value plus a batch; every size limit on the way must admit them.
    int entry = maxEntryBytes(config);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entry));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(entry + 8));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(Math.max(64L << 20, 2L * entry)));
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(entry + (2 << 20)));
    RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf(Math.max(64L << 20, 4L * entry)));

    // Snapshots (RocksDB checkpoints) let the log be purged and rebuild a wiped follower.
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, config.snapshotOnStop());
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
    RaftServerConfigKeys.setStorageFreeSpaceMin(p, SizeInBytes.valueOf(64L << 20));
    // A node rejoining after losing its disk is staged (snapshot install) before it is added.
    RaftServerConfigKeys.setStagingTimeout(p, millis(STAGING_TIMEOUT_MS));

    // Coffer dedupes retried writes itself, in the replicated state; Ratis's cache only
    // has to outlive one proposal.
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, millis(120_000));
    return p;
  }

  /** Properties for the RaftClient a node uses for membership changes of its own group. */
  public static RaftProperties clientProperties(NodeConfig config) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(maxEntryBytes(config) + (2 << 20)));
    // Membership changes wait for a rejoining node to be staged.
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(STAGING_TIMEOUT_MS + 10_000));
    return p;
  }

  static TimeDuration millis(long ms) {
    return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
  }

  static File storageRoot(NodeConfig config) {
    return config.raftDir().toFile();
  }
}
