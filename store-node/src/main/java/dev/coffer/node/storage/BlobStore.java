package dev.coffer.node.storage;

import com.google.protobuf.ByteString;
import dev.coffer.proto.AccessPolicy;
import dev.coffer.proto.GetResult;
import dev.coffer.proto.ListResult;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.Response;
import dev.coffer.proto.UsageResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated state of a node: users' objects, their usage, the exactly-once session table
 * and the applied Raft (term, index), in one RocksDB database.
 *
 * <p>RocksDB's own WAL is off for every write: the Raft log is the write-ahead log, and each
 * entry's changes are written in one batch together with its index, so after a crash the store
 * holds exactly the entries up to its applied index and the rest is replayed. Atomic flush keeps
 * all column families at the same point when memtables reach disk.
 *
 * <p>Threads: {@link #apply} must be called from one thread at a time (the Raft apply thread);
 * reads may run concurrently from any thread. {@link #close} must not race with other calls.
 */
public final class BlobStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);

  private final Path dbDir;
  private final StoreOptions options;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final ColumnFamilies cf;
  private final WriteOptions writeOptions;
  private volatile AppliedPosition applied;
  /** The replicated access policy, read at open and after each entry that changes it. */
  private volatile AccessPolicy accessPolicy;
  private volatile boolean closed;

  private BlobStore(Path dbDir, StoreOptions options, RocksDB db, List<ColumnFamilyHandle> handles) {
    this.dbDir = dbDir;
    this.options = options;
    this.db = db;
    this.handles = handles;
    this.cf = ColumnFamilies.of(handles);
    try (ReadView view = new ReadView(db, cf)) {
      this.applied = view.appliedPosition();
      this.accessPolicy = view.accessPolicy();
    }
    this.writeOptions = new WriteOptions().setDisableWAL(true);
  }

  /** Opens (creating if needed) the database in {@code dbDir}. */
  public static BlobStore open(Path dbDir) {
    RocksDB.loadLibrary();
    StoreOptions options = new StoreOptions();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String name : StoreKeys.COLUMN_FAMILIES) {
      descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8),
          StoreKeys.holdsValues(name) ? options.data : options.family));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db = null;
    try {
      CheckpointFiles.recover(dbDir);
      Files.createDirectories(dbDir);
      db = RocksDB.open(options.db, dbDir.toString(), descriptors, handles);
      BlobStore store = new BlobStore(dbDir, options, db, handles);
      LOG.info("Opened RocksDB at {}, applied index {}", dbDir, store.appliedIndex());
      return store;
    } catch (RocksDBException | IOException | RuntimeException e) {
      handles.forEach(ColumnFamilyHandle::close);
      if (db != null) {
        db.close();
      }
      options.close();
      if (e instanceof StorageException) {
        throw (StorageException) e;
      }
      throw new StorageException("opening RocksDB at " + dbDir + " failed: " + e.getMessage(), e);
    }
  }

  /** The index of the last applied log entry; 0 when nothing was applied. */
  public long appliedIndex() {
    return applied.index();
  }

  /** The term of the last applied log entry; 0 when nothing was applied. */
  public long appliedTerm() {
    return applied.term();
  }

  /**
   * Applies the commands of the log entry at {@code index}, in order, and records (term, index)
   * as applied, all in one atomic write. Returns one response per command (request id 0). An
   * entry at or below the applied index was applied before: nothing changes and the list is
   * empty. Deterministic: only the entry and the stored state decide the outcome.
   *
   * <p>Exactly-once contract: a command whose write id (client id, sequence) has a stored
   * session record gets that record's response and changes nothing, if it is the same request
   * (operation, user, key, value size and CRC32C, conditions: see {@link WriteFingerprint}); a
   * different request under that write id gets {@code WRITE_ID_REUSED} and changes nothing. A
   * client's records below its {@code acked_below} are forgotten, so a client must only advance
   * {@code acked_below} past a sequence after it received that sequence's reply; re-sending a
   * forgotten sequence applies it anew. Records are per client id: another client id's
   * {@code acked_below} never forgets them.
   *
   * @throws StorageException if RocksDB fails; then nothing of the entry was written
   */
  public List<Response> apply(long term, long index, LogEntry entry) {
    ensureOpen();
    if (index <= applied.index()) {
      return List.of();
    }
    AppliedPosition position = new AppliedPosition(term, index);
    try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
        ReadOptions readOptions = new ReadOptions()) {
      CommandApplier applier = new CommandApplier(db, cf, batch, readOptions, index,
          entry.getTimestampMillis(), entry.hasVersionRetentionMillis()
              ? Optional.of(entry.getVersionRetentionMillis()) : Optional.empty(),
          entry.hasSessionExpiryMillis() ? Optional.of(entry.getSessionExpiryMillis()) : Optional.empty());
      List<Response> responses = applier.applyAll(entry.getCommandsList());
      batch.put(cf.defaults(), StoreKeys.APPLIED_POSITION, position.encode());
      db.write(writeOptions, batch);
      applied = position;
      if (applier.accessChanged()) {
        try (ReadView view = readView()) {
          accessPolicy = view.accessPolicy();
        }
      }
      return responses;
    } catch (RocksDBException e) {
      throw new StorageException(
          "RocksDB write of entry " + index + " failed: " + e.getMessage(), e);
    }
  }

  /** The replicated access policy as of the last applied entry. */
  public AccessPolicy accessPolicy() {
    return accessPolicy;
  }

  /** A consistent view for several reads that must agree (close it after use). */
  public ReadView readView() {
    ensureOpen();
    return new ReadView(db, cf);
  }

  public Optional<GetResult> get(String user, ByteString key) {
    try (ReadView view = readView()) {
      return view.get(user, key);
    }
  }

  public Optional<ObjectMeta> head(String user, ByteString key) {
    try (ReadView view = readView()) {
      return view.head(user, key);
    }
  }

  /** See {@link ReadView#list}. */
  public ListResult list(String user, ByteString prefix, ByteString startAfter, int limit) {
    try (ReadView view = readView()) {
      return view.list(user, prefix, startAfter, limit);
    }
  }

  public UsageResult usage(String user) {
    try (ReadView view = readView()) {
      return view.usage(user);
    }
  }

  /**
   * SHA-256 over every column family's (name, key, value), in order, from one snapshot. Replicas
   * at the same applied index have equal digests.
   */
  public byte[] digest() {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
    try (ReadView view = readView()) {
      view.digestInto(sha256);
    }
    return sha256.digest();
  }

  /** Live SST files plus memtables, over all column families, in bytes (approximate). */
  public long approximateSizeBytes() {
    ensureOpen();
    long total = 0;
    try {
      for (ColumnFamilyHandle handle : handles) {
        total += db.getLongProperty(handle, "rocksdb.live-sst-files-size");
        total += db.getLongProperty(handle, "rocksdb.cur-size-all-mem-tables");
      }
    } catch (RocksDBException e) {
      throw new StorageException("reading RocksDB size properties failed: " + e.getMessage(), e);
    }
    return total;
  }

  /**
   * Writes a checkpoint of the whole database into {@code targetDir}, which must not exist.
   * Memtables are flushed first (the WAL is off, so unflushed data would be missing).
   */
  public void checkpoint(Path targetDir) {
    ensureOpen();
    if (Files.exists(targetDir)) {
      throw new IllegalArgumentException("checkpoint directory " + targetDir + " already exists");
    }
    try (Checkpoint checkpoint = Checkpoint.create(db)) {
      Path parent = targetDir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      flushAll();
      checkpoint.createCheckpoint(targetDir.toString());
    } catch (RocksDBException | IOException e) {
      throw new StorageException(
          "RocksDB checkpoint into " + targetDir + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the database in {@code dbDir} with a copy of {@code checkpointDir} (hard links where
   * possible), crash-safely: see {@link CheckpointFiles}. The store on {@code dbDir} must be
   * closed first; {@code checkpointDir} is left as it was.
   */
  public static void replaceWith(Path checkpointDir, Path dbDir) {
    try {
      CheckpointFiles.replace(checkpointDir, dbDir);
      LOG.info("Replaced RocksDB at {} with checkpoint {}", dbDir, checkpointDir);
    } catch (IOException e) {
      throw new StorageException("replacing RocksDB at " + dbDir + " with checkpoint "
          + checkpointDir + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Makes a checkpoint durable: every file and directory fsynced. Ratis writes a snapshot it
   * receives from the leader without fsyncing it; restoring from it after a power cut would read
   * empty files.
   */
  public static void makeDurable(Path checkpointDir) {
    try {
      CheckpointFiles.makeDurable(checkpointDir);
    } catch (IOException e) {
      throw new StorageException("fsyncing checkpoint " + checkpointDir + " failed: " + e.getMessage(), e);
    }
  }

  /** Flushes all memtables (the WAL is off, so this is what makes them durable) and closes. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    StorageException failure = null;
    try {
      flushAll();
    } catch (RocksDBException e) {
      failure = new StorageException(
          "flushing RocksDB at " + dbDir + " on close failed: " + e.getMessage(), e);
    }
    handles.forEach(ColumnFamilyHandle::close);
    db.close();
    writeOptions.close();
    options.close();
    if (failure != null) {
      throw failure;
    }
  }

  private void flushAll() throws RocksDBException {
    try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
      db.flush(options, handles);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the store at " + dbDir + " is closed");
    }
  }
}
