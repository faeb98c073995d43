package dev.coffer.node.raft;

import dev.coffer.node.tls.NodeTls;
import java.util.Optional;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcTlsConfig;
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
  /**
   * Log segment size. Ratis caches whole segments of entries in the heap (see {@link #boundLogMemory}),
   * so this, not the log's length, sets what a replay holds; an entry larger than it is still accepted
   * (Ratis closes the segment after it). Ratis's default is 32 MB.
   */
  static final long SEGMENT_BYTES = 16L << 20;
  /** Closed segments whose entries Ratis keeps cached (Ratis's default: 6). */
  static final int CACHED_SEGMENTS = 2;
  /** Appends the leader has outstanding to one follower (Ratis's default: 8). */
  static final int OUTSTANDING_APPENDS = 2;
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
    // A leader that stepped down because it lost its majority does not stand again for this long.
    // With Ratis's 10 s it was often the follower with the newest log: the other refused it for
    // its older log, and nobody could win for up to 10 s (chaos, leader cut off twice in a row:
    // new leader p50 4.6 s, p99 8.1 s). Pre-vote already keeps a cut-off node from disrupting
    // anyone, so the wait need not outlast one election timeout.
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p,
        millis(config.electionTimeoutMin().toMillis()));

    // The leader sends an entry to followers as soon as it is appended. Ratis's default (1 ms
    // between two sends to a follower) was most of a put's latency with one write in flight.
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, millis(0));
    // No commit-index entries in the log: Ratis writes one (appended, replicated, fsynced) after
    // each commit to speed up a restart, doubling the log's work. A restarted node learns the
    // commit index from the leader instead, as in plain Raft.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);

    // How long the leader waits before trying a failing follower again, by its count of errors in a
    // row. Ratis's default reaches 5 s after 30 errors, and a follower cut off for a few seconds
    // collects that many at once (every pending heartbeat times out together): it then stayed
    // behind for up to 5 s after the network healed. A retry is cheap (a refused connection or a
    // request that waits out its timeout), so never wait more than 1 s.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, "1ms,10, 100ms,100, 1s,100000000");

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
    // One append request carries at least one whole entry: Ratis cannot send an entry larger than this.
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entry));
    // A direct (off-heap) buffer that must hold one whole entry.
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(entry + 8));
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(entry + (2 << 20)));
    // Client requests the leader holds until they are applied. They share their bytes with the log
    // cache's entries (no copy), and WriteProposer keeps one entry in flight, so this is a
    // safety net, not a budget.
    RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf(Math.max(64L << 20, 4L * entry)));
    boundLogMemory(p, entry);

    // Snapshots (RocksDB checkpoints) let the log be purged and rebuild a wiped follower.
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, config.snapshotOnStop());
    // Ratis triggers by entries only; BlobStateMachine also asks for one by bytes (it reads this).
    p.setLong(BlobStateMachine.SNAPSHOT_EVERY_BYTES_KEY, config.snapshotEveryBytes());
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    // Purge after every snapshot. Ratis's default gap (1024 entries) would keep up to 1024 entries
    // beyond a snapshot taken by bytes: 1 GiB of log with 1 MiB entries.
    RaftServerConfigKeys.Log.setPurgeGap(p, 1);
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
    RaftServerConfigKeys.setStorageFreeSpaceMin(p, SizeInBytes.valueOf(64L << 20));
    // A node rejoining after losing its disk is staged (snapshot install) before it is added.
    RaftServerConfigKeys.setStagingTimeout(p, millis(STAGING_TIMEOUT_MS));

    // Coffer dedupes retried writes itself, in the replicated state; Ratis's cache only
    // has to outlive one proposal.
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, millis(120_000));
    return p;
  }

  /**
   * Bounds the Raft log's heap use (issue 11: a follower with 600 MiB of 1 MiB entries in its log
   * ran out of a 384 MiB heap replaying it; its heap histogram showed 267 MB of byte[] two seconds
   * into the restart). Ratis keeps log entries in the heap a whole segment at a time: at start-up
   * it loads the newest {@code segment.cache.num.max} segments with their entries (the open one
   * always), and every read of an entry that is not cached (a replay, a lagging follower) loads its
   * whole segment. With the old 64 MiB segments and Ratis's default of 6, that was about 400 MiB
   * before anything was applied. Now, with E the largest entry (33 MiB by default):
   * <ul>
   *   <li>a segment holds at most {@link #SEGMENT_BYTES} + E bytes (17 MiB with 1 MiB entries);</li>
   *   <li>at start-up only {@link #CACHED_SEGMENTS} segments are loaded with their entries, open one
   *       included; afterwards eviction keeps about that many closed segments cached, and starts
   *       anyway once they hold more than ({@link #CACHED_SEGMENTS} + 1) × (segment + E) bytes;</li>
   *   <li>a follower holds at most {@link #OUTSTANDING_APPENDS} append requests (each at most the
   *       appender's buffer, E) received but not yet appended; Ratis's default of 8 allowed 8 × E.</li>
   * </ul>
   * Ratis 3.3.0 cannot evict what a replay reads before the log rolls a new segment, so a replay
   * still holds every entry it reads: BlobStateMachine keeps that to the entries the store lacks
   * (it snapshots a store found ahead of its latest snapshot at start-up) and snapshots by bytes.
   * See docs/design.md, "Bounded replay".
   */
  static void boundLogMemory(RaftProperties p, int maxEntryBytes) {
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(SEGMENT_BYTES));
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, CACHED_SEGMENTS);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p,
        SizeInBytes.valueOf((CACHED_SEGMENTS + 1) * (SEGMENT_BYTES + maxEntryBytes)));
    GrpcConfigKeys.Server.setLeaderOutstandingAppendsMax(p, OUTSTANDING_APPENDS);
  }

  /** Properties for the RaftClient a node uses for membership changes of its own group. */
  /**
   * The Ratis parameters of this node's Raft server and of its Raft clients: mutual TLS with
   * member certificates on the Raft port when the node runs TLS (see NodeTls), none otherwise.
   */
  public static Parameters parameters(Optional<NodeTls> tls) {
    Parameters parameters = new Parameters();
    tls.ifPresent(t -> {
      GrpcTlsConfig raftTls = t.raftTls();
      GrpcConfigKeys.Server.setTlsConf(parameters, raftTls);
      GrpcConfigKeys.Client.setTlsConf(parameters, raftTls);
      GrpcConfigKeys.Admin.setTlsConf(parameters, raftTls);
    });
    return parameters;
  }

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
