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
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's status and health, refreshed every second on its own thread (the Raft view, the
 * health verdict, RocksDB's size; the walk of the data directory every ten seconds), so that
 * answering {@code /status}, {@code /health} or a client's status request never does slow work
 * and a wedged Raft server cannot stall the answer. Refreshing starts when it is made and stops
 * when the node's Raft server closes, or at {@link #close}.
 */
public final class StatusReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
  static final Duration REFRESH_EVERY = Duration.ofSeconds(1);
  static final Duration DISK_WALK_EVERY = Duration.ofSeconds(10);
  /** Figures older than this mean the refresher itself is stuck: the node is not healthy. */
  static final Duration STALE_AFTER = Duration.ofSeconds(10);
  /** A leader must have heard from a majority within this many election timeouts. */
  static final int CONTACT_ELECTION_TIMEOUTS = 3;

  private final NodeConfig config;
  private final RaftGateway raft;
  private final BlobStateMachine stateMachine;
  private final NodeHealth health;
  private final LongSupplier nowMillis;
  private final ScheduledExecutorService refresher;
  private volatile StatusSnapshot latest;
  private long dataBytes;
  private long dataBytesAtMillis = Long.MIN_VALUE;

  /** The cached status, when it was taken, and RocksDB's size (for the admin port's JSON). */
  public record StatusSnapshot(StatusResult status, long rocksdbBytes, long takenAtMillis) {}

  public StatusReporter(NodeConfig config, RaftGateway raft, BlobStateMachine stateMachine) {
    this.config = config;
    this.raft = raft;
    this.stateMachine = stateMachine;
    this.nowMillis = () -> System.nanoTime() / 1_000_000;
    this.health = new NodeHealth(config.healthApplyStall(),
        config.electionTimeoutMax().multipliedBy(CONTACT_ELECTION_TIMEOUTS), nowMillis);
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "status-refresh");
      t.setDaemon(true);
      return t;
    });
    latest = new StatusSnapshot(StatusResult.newBuilder().setNodeId(config.nodeId())
        .setClientAddress(config.clientAddress()).setRaftAddress(config.raftAddress())
        .addHealthProblems("status not known yet").build(), 0, nowMillis.getAsLong());
    refresh();
    refresher.scheduleWithFixedDelay(this::refreshOrStop, REFRESH_EVERY.toMillis(), REFRESH_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * The status a client asks for: the cached health and disk figures with the Raft figures read
   * now (cheap), so that a membership change or a new leader shows at once.
   */
  public StatusResult status() {
    StatusResult cached = snapshot().status();
    try {
      StatusResult now = raft.status();
      return cached.toBuilder().setRole(now.getRole()).setTerm(now.getTerm()).setCommitIndex(now.getCommitIndex())
          .setAppliedIndex(now.getAppliedIndex()).setLeaderId(now.getLeaderId())
          .clearPeers().addAllPeers(now.getPeersList()).build();
    } catch (RuntimeException e) {
      return cached; // the Raft group is gone: the cached figures say so
    }
  }

  /** The cached status as it is (for the admin port), its age set, and a stale one marked unhealthy. */
  public StatusSnapshot snapshot() {
    StatusSnapshot s = latest;
    long age = Math.max(0, nowMillis.getAsLong() - s.takenAtMillis());
    StatusResult.Builder status = s.status().toBuilder().setStatusAgeMillis(age);
    if (age > STALE_AFTER.toMillis()) {
      status.addHealthProblems("status figures are " + age / 1000 + " s old: the node's status refresher is stuck");
    }
    return new StatusSnapshot(status.build(), s.rocksdbBytes(), s.takenAtMillis());
  }

  private void refreshOrStop() {
    if (raft.serverClosed()) {
      refresher.shutdown(); // the node is closing
      return;
    }
    refresh();
  }

  /** Takes a new snapshot of the node's figures; never throws (a failed refresh keeps the old one). */
  void refresh() {
    try {
      long now = nowMillis.getAsLong();
      RaftObservation observed = RaftObserver.observe(raft);
      boolean storageFailed = stateMachine.storageFailed();
      NodeHealth.Verdict verdict = health.assess(observed, storageFailed);
      StatusResult status = raftStatus(observed).toBuilder()
          .setDataBytes(dataBytes(now))
          .setDiskFreeBytes(config.dataDir().toFile().getUsableSpace())
          .setVersion(CofferVersion.get())
          .setStorageFailed(storageFailed)
          .setRaftState(observed.raftState())
          .addAllHealthProblems(verdict.problems())
          .setApplyStalledMillis(verdict.applyStalledMillis())
          .build();
      latest = new StatusSnapshot(status, rocksdbBytes(), now);
    } catch (RuntimeException e) {
      LOG.warn("Could not refresh the node's status: {}", e.toString());
    }
  }

  /** The Raft part: the gateway's full view, or what the observation holds if the group is gone. */
  private StatusResult raftStatus(RaftObservation observed) {
    try {
      return raft.status();
    } catch (RuntimeException e) {
      return StatusResult.newBuilder().setNodeId(config.nodeId()).setRole(observed.role()).setTerm(observed.term())
          .setCommitIndex(observed.commitIndex()).setAppliedIndex(observed.appliedIndex())
          .setClientAddress(config.clientAddress()).setRaftAddress(config.raftAddress())
          .setLeaderId(observed.leaderId()).build();
    }
  }

  private long rocksdbBytes() {
    try {
      return stateMachine.approximateSizeBytes();
    } catch (RuntimeException e) {
      return 0; // the store is closed or being swapped for a snapshot
    }
  }

  private long dataBytes(long now) {
    if (now - dataBytesAtMillis >= DISK_WALK_EVERY.toMillis() || dataBytesAtMillis == Long.MIN_VALUE) {
      dataBytes = dataBytes(config.dataDir());
      dataBytesAtMillis = now;
    }
    return dataBytes;
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

  /** Stops refreshing (the node also stops it by closing its Raft server). */
  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
