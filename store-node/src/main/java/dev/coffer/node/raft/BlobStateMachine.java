package dev.coffer.node.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.node.storage.BlobStore;
import dev.coffer.proto.Command;
import dev.coffer.proto.CommandResults;
import dev.coffer.proto.LeaderCheckResult;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin Raft glue over {@link BlobStore}: log entries become {@code BlobStore.apply} calls, reads
 * become {@link StoreReads} calls, snapshots become RocksDB checkpoints. Apply is deterministic
 * and idempotent by log index (the store skips entries at or below its applied index).
 */
public final class BlobStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(BlobStateMachine.class);
  /**
   * The node setting snapshot.every.bytes, passed through the Raft properties (RaftSettings puts it
   * there) because the state machine is made before them and reads them in {@link #initialize}.
   */
  static final String SNAPSHOT_EVERY_BYTES_KEY = "coffer.snapshot.every.bytes";
  /** How long Ratis may take to start a snapshot asked for by bytes before the request lapses. */
  private static final long SNAPSHOT_REQUEST_TIMEOUT_MS = 600_000;

  private final Path dbDir;
  private final CheckpointSnapshotStorage snapshots;
  private final Runnable onStorageFailure;
  // Reads hold the read lock; swapping the store after a snapshot install holds the write lock.
  private final ReentrantReadWriteLock storeLock = new ReentrantReadWriteLock();
  private BlobStore store;
  private volatile String storageFailure;
  private volatile LeaderListener leaderListener = (peerId, term) -> { };
  private volatile java.util.function.LongConsumer snapshotObserver = nanos -> { };
  private final java.util.concurrent.ExecutorService digestWorker =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "digest");
        t.setDaemon(true);
        return t;
      });
  private final DigestBook digests = new DigestBook(digestWorker);
  // Asks Ratis for snapshots by bytes: never on the apply thread, which must not wait for Ratis.
  private final java.util.concurrent.ExecutorService snapshotRequester =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "snapshot-by-bytes");
        t.setDaemon(true);
        return t;
      });
  private final org.apache.ratis.protocol.ClientId snapshotClientId = org.apache.ratis.protocol.ClientId.randomId();
  private final java.util.concurrent.atomic.AtomicLong snapshotCallIds = new java.util.concurrent.atomic.AtomicLong();
  private volatile SnapshotByBytes snapshotByBytes = new SnapshotByBytes(Long.MAX_VALUE);
  private final AppliedIndexWatch appliedWatch = new AppliedIndexWatch();

  /** Told about every leader change this node sees. */
  public interface LeaderListener {
    void leaderChanged(RaftPeerId leaderId, long term);
  }

  private final long versionRetentionMillis;

  public BlobStateMachine(Path dbDir, Path snapshotDir, Runnable onStorageFailure) {
    this(dbDir, snapshotDir, onStorageFailure, 0);
  }

  /** {@code versionRetentionMillis}: this node's retention, for the expiry times version listings show. */
  public BlobStateMachine(Path dbDir, Path snapshotDir, Runnable onStorageFailure, long versionRetentionMillis) {
    this.versionRetentionMillis = versionRetentionMillis;
    this.dbDir = dbDir;
    this.snapshots = new CheckpointSnapshotStorage(snapshotDir);
    this.onStorageFailure = onStorageFailure;
  }

  public void setLeaderListener(LeaderListener listener) {
    this.leaderListener = listener;
  }

  /** Told of every index this node has applied (entries, configuration entries, snapshot installs). */
  public AppliedIndexWatch appliedIndexWatch() {
    return appliedWatch;
  }

  /** Told how long each snapshot took, in nanoseconds. */
  public void setSnapshotObserver(java.util.function.LongConsumer observer) {
    this.snapshotObserver = observer;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshotByBytes = new SnapshotByBytes(server.getProperties().getLong(SNAPSHOT_EVERY_BYTES_KEY, Long.MAX_VALUE));
    snapshots.init(raftStorage);
    getLifeCycle().startAndTransition(() -> {
      openStore();
      snapshotIfStoreAhead();
    }, IOException.class);
  }

  /**
   * After a crash RocksDB may hold entries beyond the latest snapshot (memtable flushes persisted
   * them). Ratis would replay the log from that snapshot anyway, and Ratis 3.3.0 keeps every
   * segment it reads at start-up in its cache until the log rolls a new segment: the whole log since
   * the snapshot would sit in the heap while the store skips those entries. A snapshot of the store
   * as it is now makes Ratis replay only the entries the store lacks (docs/design.md, "Bounded replay").
   */
  private void snapshotIfStoreAhead() throws IOException {
    SnapshotInfo latest = snapshots.getLatestSnapshot();
    long snapshotIndex = latest == null ? -1 : latest.getIndex();
    if (store.appliedIndex() <= snapshotIndex || store.appliedTerm() == 0) {
      return;
    }
    LOG.info("Store is at index {}, beyond the latest snapshot ({}): taking a snapshot so that only later "
        + "entries are replayed", store.appliedIndex(), latest == null ? "none" : latest.getTermIndex());
    setLastAppliedTermIndex(snapshots.take(store).getTermIndex());
  }

  /** Opens RocksDB, first replacing it with the latest snapshot if that is newer. */
  private void openStore() throws IOException {
    storeLock.writeLock().lock();
    try {
      if (store != null) {
        store.close();
        store = null;
      }
      BlobStore opened = BlobStore.open(dbDir);
      Path snapshotDir = snapshots.latestDir();
      SnapshotInfo snapshot = snapshots.getLatestSnapshot();
      if (snapshot != null && snapshot.getIndex() > opened.appliedIndex()) {
        LOG.info("Restoring state from snapshot {} (store was at index {})", snapshot.getTermIndex(), opened.appliedIndex());
        opened.close();
        CheckpointSnapshotStorage.verify(snapshotDir);
        BlobStore.replaceWith(snapshotDir, dbDir);
        opened = BlobStore.open(dbDir);
      }
      store = opened;
      // Ratis replays the log from its latest snapshot, whatever RocksDB holds beyond it (a memtable
      // flush may have persisted later entries); the store skips those itself, by index. So the
      // applied position Ratis sees starts at the snapshot, or it would see it move backwards.
      if (snapshot != null) {
        setLastAppliedTermIndex(snapshot.getTermIndex());
      }
      LOG.info("State machine open: store at term {} index {}, snapshot {}", opened.appliedTerm(),
          opened.appliedIndex(), snapshot == null ? "none" : snapshot.getTermIndex());
    } finally {
      storeLock.writeLock().unlock();
    }
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return snapshots.getLatestSnapshot();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    if (storageFailure != null) {
      // Never apply past an entry that failed: the replica would silently diverge.
      return CompletableFuture.failedFuture(new IOException("storage failed earlier: " + storageFailure));
    }
    LogEntry logEntry = parseEntry(entry);
    try {
      List<Response> results = withStore(s -> {
        List<Response> r = s.apply(entry.getTerm(), entry.getIndex(), logEntry);
        // An empty result means the store had this entry already (a replay): its state is later.
        if (!r.isEmpty() && logEntry.getCommandsList().stream().anyMatch(Command::hasDigestMarker)) {
          digests.capture(entry.getIndex(), digestOfCurrentState(s));
        }
        return r;
      });
      digests.applied(entry.getIndex());
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      countTowardSnapshot(entry);
      return CompletableFuture.completedFuture(
          ProtoBridge.toMessage(CommandResults.newBuilder().addAllResults(results).setLogIndex(entry.getIndex()).build()));
    } catch (RuntimeException e) {
      storageFailure = "applying log entry " + entry.getIndex() + ": " + e.getMessage();
      LOG.error("Storage failure {}; this node stops applying and must be restarted", storageFailure, e);
      onStorageFailure.run();
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Counts the entry's bytes toward the next snapshot and, when they add up to snapshot.every.bytes,
   * asks Ratis for one (which takes it on this thread, between two entries). Ratis's own trigger
   * counts entries only, whatever their size. Never throws: apply must go on whatever happens here.
   */
  private void countTowardSnapshot(LogEntryProto entry) {
    try {
      // While the store skips entries it already holds, a snapshot would be named after an index
      // Ratis has not reached yet; wait until replay has caught up with the store.
      boolean storeAhead = storeAppliedIndex() > entry.getIndex();
      if (snapshotByBytes.add(entry.getSerializedSize(), !storeAhead)) {
        snapshotRequester.execute(this::requestSnapshot);
      }
    } catch (RuntimeException e) {
      snapshotByBytes.requestFailed();
      LOG.warn("Could not ask for a snapshot by bytes: {}", e.toString());
    }
  }

  private void requestSnapshot() {
    try {
      RaftServer server = getServer().getNow(null);
      if (server == null) {
        snapshotByBytes.requestFailed();
        return;
      }
      org.apache.ratis.protocol.SnapshotManagementRequest request =
          org.apache.ratis.protocol.SnapshotManagementRequest.newCreate(snapshotClientId, server.getId(), getGroupId(),
              snapshotCallIds.incrementAndGet(), SNAPSHOT_REQUEST_TIMEOUT_MS, 1);
      LOG.info("{} bytes of log since the last snapshot: asking for a snapshot", snapshotByBytes.bytesSinceSnapshot());
      server.snapshotManagementAsync(request).whenComplete((reply, error) -> {
        if (error != null || !reply.isSuccess()) {
          snapshotByBytes.requestFailed();
          LOG.warn("Snapshot by bytes failed: {}", error != null ? error.toString() : reply.getException());
        } else {
          snapshotByBytes.requestFinished();
        }
      });
    } catch (RuntimeException e) {
      snapshotByBytes.requestFailed();
      LOG.warn("Snapshot by bytes failed: {}", e.toString());
    }
  }

  private static LogEntry parseEntry(LogEntryProto entry) {
    try {
      return ProtoBridge.parse(LogEntry.parser(), entry.getStateMachineLogEntry().getLogData());
    } catch (InvalidProtocolBufferException e) {
      // Deterministic on every replica: the entry is recorded as applied with no effect.
      LOG.error("Log entry {} is not a LogEntry; applying it as empty", entry.getIndex(), e);
      return LogEntry.getDefaultInstance();
    }
  }

  /**
   * Linearizable reads arrive here after Ratis confirmed the read index (read.path=ratis-read-index),
   * and so do the leader checks of read-index rounds (a stale read sent by the leader's
   * {@link RaftVoters}): those are answered from the Raft state, not the store.
   */
  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      Request read = ProtoBridge.parse(Request.parser(), request.getContent());
      Response answer = read.hasLeaderCheck() ? leaderCheck() : read(read);
      return CompletableFuture.completedFuture(ProtoBridge.toMessage(answer));
    } catch (InvalidProtocolBufferException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** This node's current term, the leader it knows of and its last log entry, read when the check arrives. */
  private Response leaderCheck() {
    RaftServer server = getServer().getNow(null);
    if (server == null) {
      return Response.newBuilder().setStatus(Status.UNAVAILABLE).setErrorMessage("the Raft server is starting").build();
    }
    try {
      RaftServer.Division division = server.getDivision(getGroupId());
      org.apache.ratis.server.DivisionInfo info = division.getInfo();
      RaftPeerId leader = info.getLeaderId();
      TermIndex last = division.getRaftLog().getLastEntryTermIndex();
      return Response.newBuilder().setStatus(Status.OK).setLeaderCheck(LeaderCheckResult.newBuilder()
          .setTerm(info.getCurrentTerm()).setLeaderId(leader == null ? "" : leader.toString())
          .setLastTerm(last == null ? 0 : last.getTerm()).setLastIndex(last == null ? 0 : last.getIndex())).build();
    } catch (IOException e) {
      return Response.newBuilder().setStatus(Status.UNAVAILABLE)
          .setErrorMessage("the Raft group is not running here: " + e.getMessage()).build();
    }
  }

  /** Answers a read request from local state (used for stale reads and by {@link #query}). */
  public Response read(Request request) {
    if (storageFailure != null) {
      return Response.newBuilder().setStatus(Status.UNAVAILABLE)
          .setErrorMessage("this node's storage failed: " + storageFailure).build();
    }
    return withStore(s -> StoreReads.answer(s, request, versionRetentionMillis));
  }

  @Override
  public long takeSnapshot() throws IOException {
    long start = System.nanoTime();
    storeLock.readLock().lock();
    try {
      TermIndex ratisApplied = getLastAppliedTermIndex();
      if (ratisApplied != null && store.appliedIndex() > ratisApplied.getIndex()) {
        // Replaying entries the store already holds: a checkpoint now would be named after an index
        // Ratis has not reached, which Ratis rejects. The next snapshot, after replay, covers it.
        SnapshotInfo latest = snapshots.getLatestSnapshot();
        return latest == null ? org.apache.ratis.server.raftlog.RaftLog.INVALID_LOG_INDEX : latest.getIndex();
      }
      long index = snapshots.take(store).getIndex();
      snapshotByBytes.snapshotTaken();
      snapshotObserver.accept(System.nanoTime() - start);
      return index;
    } finally {
      storeLock.readLock().unlock();
    }
  }

  /** Called by Ratis before it moves a snapshot received from the leader into place. */
  @Override
  public void pause() {
    LifeCycle life = getLifeCycle();
    if (life.getCurrentState() == LifeCycle.State.RUNNING) {
      life.transition(LifeCycle.State.PAUSING);
      life.transition(LifeCycle.State.PAUSED);
    }
  }

  /** Called by Ratis after it installed a snapshot received from the leader: reload from it. */
  @Override
  public void reinitialize() throws IOException {
    snapshots.reload();
    if (snapshots.latestDir() != null) {
      BlobStore.makeDurable(snapshots.latestDir()); // received from the leader: Ratis did not fsync it
    }
    snapshotByBytes.snapshotTaken(); // the installed snapshot covers the log so far
    LifeCycle life = getLifeCycle();
    if (life.getCurrentState() == LifeCycle.State.PAUSED) {
      life.startAndTransition(this::openStore, IOException.class);
    } else {
      openStore();
    }
  }

  @Override
  protected void setLastAppliedTermIndex(TermIndex newTI) {
    super.setLastAppliedTermIndex(newTI);
    if (appliedWatch != null && newTI != null) { // null while BaseStateMachine's constructor runs
      appliedWatch.applied(newTI.getIndex());
    }
  }

  /** Every applied index passes here: entries (applyTransaction) and others (notifyTermIndexUpdated). */
  @Override
  protected boolean updateLastAppliedTermIndex(TermIndex newTI) {
    boolean updated = super.updateLastAppliedTermIndex(newTI);
    appliedWatch.applied(newTI.getIndex());
    return updated;
  }

  @Override
  public void notifyLeaderChanged(org.apache.ratis.protocol.RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    long term = getServer().thenApply(s -> currentTerm(s)).getNow(0L);
    LOG.info("Leader is now {} (term {})", newLeaderId, term);
    leaderListener.leaderChanged(newLeaderId, term);
  }

  private long currentTerm(RaftServer server) {
    try {
      return server.getDivision(getGroupId()).getInfo().getCurrentTerm();
    } catch (IOException e) {
      return 0L;
    }
  }

  /**
   * Pins the store's state now (a RocksDB snapshot) and returns the work of hashing it later,
   * under the read lock, unless the store was swapped in between (a snapshot install).
   */
  private java.util.function.Supplier<byte[]> digestOfCurrentState(BlobStore current) {
    dev.coffer.node.storage.ReadView view = current.readView();
    return () -> {
      storeLock.readLock().lock();
      try {
        if (store != current) {
          throw new ClusterRejectedException(Status.UNAVAILABLE, "the store was replaced by a snapshot install "
              + "before the digest was computed", "");
        }
        try (view) {
          return view.digest();
        }
      } finally {
        storeLock.readLock().unlock();
      }
    };
  }

  /** This replica's digest at the digest marker at {@code index}, once it has applied it. */
  public CompletableFuture<byte[]> digestAt(long index) {
    return digests.at(index);
  }

  /** The replicated access policy as this node last applied it. */
  public dev.coffer.proto.AccessPolicy accessPolicy() {
    return withStore(BlobStore::accessPolicy);
  }

  /** The digest of this node's current state, and the applied index it reflects (one snapshot of the store). */
  public dev.coffer.proto.DigestResult currentDigest() {
    storeLock.readLock().lock();
    try (dev.coffer.node.storage.ReadView view = store.readView()) {
      return dev.coffer.proto.DigestResult.newBuilder().setIndex(view.appliedIndex())
          .setSha256(com.google.protobuf.ByteString.copyFrom(view.digest())).build();
    } finally {
      storeLock.readLock().unlock();
    }
  }

  /** Re-reads every stored value and checks it against its CRC32C. */
  public dev.coffer.node.storage.ReadView.ScrubReport scrub(int maxReported) {
    storeLock.readLock().lock();
    try (dev.coffer.node.storage.ReadView view = store.readView()) {
      return view.scrub(maxReported);
    } finally {
      storeLock.readLock().unlock();
    }
  }

  /** A consistent digest of the whole state, for comparing replicas. */
  public byte[] digest() {
    return withStore(BlobStore::digest);
  }

  public long approximateSizeBytes() {
    return withStore(BlobStore::approximateSizeBytes);
  }

  public long storeAppliedIndex() {
    return withStore(BlobStore::appliedIndex);
  }

  public boolean storageFailed() {
    return storageFailure != null;
  }

  private <T> T withStore(Function<BlobStore, T> action) {
    storeLock.readLock().lock();
    try {
      if (store == null) {
        throw new IllegalStateException("the store is not open");
      }
      return action.apply(store);
    } finally {
      storeLock.readLock().unlock();
    }
  }

  @Override
  public void close() throws IOException {
    digestWorker.shutdownNow();
    snapshotRequester.shutdownNow();
    storeLock.writeLock().lock();
    try {
      if (store != null) {
        store.close();
        store = null;
      }
    } finally {
      storeLock.writeLock().unlock();
    }
    super.close();
  }

  /**
   * Counts the bytes of log entries applied since the last snapshot and says when to ask for the
   * next one: once they reach the threshold, one request at a time; after a failed request, again
   * only once another quarter of the threshold has been applied (no request per entry while Ratis
   * refuses, e.g. during a snapshot install).
   */
  static final class SnapshotByBytes {
    private final long thresholdBytes;
    private long bytes;
    private long askAgainAt;
    private boolean requested;

    SnapshotByBytes(long thresholdBytes) {
      this.thresholdBytes = thresholdBytes;
    }

    /** Counts one applied entry; true when a snapshot should be asked for now. */
    synchronized boolean add(long entryBytes, boolean snapshotPossible) {
      bytes += entryBytes;
      if (requested || !snapshotPossible || bytes < thresholdBytes || bytes < askAgainAt) {
        return false;
      }
      requested = true;
      return true;
    }

    synchronized void snapshotTaken() {
      bytes = 0;
      askAgainAt = 0;
    }

    /** The request was answered (the snapshot was taken, or Ratis found it needless). */
    synchronized void requestFinished() {
      requested = false;
    }

    synchronized void requestFailed() {
      requested = false;
      askAgainAt = bytes + Math.max(1, thresholdBytes / 4);
    }

    synchronized long bytesSinceSnapshot() {
      return bytes;
    }
  }
}
