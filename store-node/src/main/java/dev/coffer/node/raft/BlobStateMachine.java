package dev.coffer.node.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.node.storage.BlobStore;
import dev.coffer.proto.Command;
import dev.coffer.proto.CommandResults;
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

  /** Told about every leader change this node sees. */
  public interface LeaderListener {
    void leaderChanged(RaftPeerId leaderId, long term);
  }

  public BlobStateMachine(Path dbDir, Path snapshotDir, Runnable onStorageFailure) {
    this.dbDir = dbDir;
    this.snapshots = new CheckpointSnapshotStorage(snapshotDir);
    this.onStorageFailure = onStorageFailure;
  }

  public void setLeaderListener(LeaderListener listener) {
    this.leaderListener = listener;
  }

  /** Told how long each snapshot took, in nanoseconds. */
  public void setSnapshotObserver(java.util.function.LongConsumer observer) {
    this.snapshotObserver = observer;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshots.init(raftStorage);
    getLifeCycle().startAndTransition(this::openStore, IOException.class);
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
      return CompletableFuture.completedFuture(
          ProtoBridge.toMessage(CommandResults.newBuilder().addAllResults(results).setLogIndex(entry.getIndex()).build()));
    } catch (RuntimeException e) {
      storageFailure = "applying log entry " + entry.getIndex() + ": " + e.getMessage();
      LOG.error("Storage failure {}; this node stops applying and must be restarted", storageFailure, e);
      onStorageFailure.run();
      return CompletableFuture.failedFuture(e);
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

  /** Linearizable reads arrive here after Ratis confirmed the read index. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      Request read = ProtoBridge.parse(Request.parser(), request.getContent());
      return CompletableFuture.completedFuture(ProtoBridge.toMessage(read(read)));
    } catch (InvalidProtocolBufferException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Answers a read request from local state (used for stale reads and by {@link #query}). */
  public Response read(Request request) {
    if (storageFailure != null) {
      return Response.newBuilder().setStatus(Status.UNAVAILABLE)
          .setErrorMessage("this node's storage failed: " + storageFailure).build();
    }
    return withStore(s -> StoreReads.answer(s, request));
  }

  @Override
  public long takeSnapshot() throws IOException {
    long start = System.nanoTime();
    storeLock.readLock().lock();
    try {
      long index = snapshots.take(store).getIndex();
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
    LifeCycle life = getLifeCycle();
    if (life.getCurrentState() == LifeCycle.State.PAUSED) {
      life.startAndTransition(this::openStore, IOException.class);
    } else {
      openStore();
    }
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
}
