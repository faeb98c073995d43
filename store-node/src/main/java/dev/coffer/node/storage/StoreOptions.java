package dev.coffer.node.storage;

import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.WriteBufferManager;

/**
 * The RocksDB options of a store, and the native objects behind them, closed together.
 *
 * <p>Memory is bounded whatever the data size: memtables of all column families together are
 * charged to one block cache ({@link #CACHE_BYTES}), which also holds the tables' index and
 * filter blocks (by default RocksDB keeps those outside any cache, growing with the data).
 * Values of at least {@link #MIN_BLOB_BYTES} go to blob files (BlobDB): written once at flush,
 * never rewritten by compaction (which rewrote every 1 MiB value several times), and shared as
 * they are by every checkpoint.
 */
final class StoreOptions implements AutoCloseable {
  /** Block cache, memtables included. */
  static final long CACHE_BYTES = 128L << 20;
  /** Memtables of all column families together, charged to the cache. */
  static final long MEMTABLE_BYTES = 64L << 20;
  static final long MIN_BLOB_BYTES = 4096;
  private static final long BLOB_FILE_BYTES = 64L << 20;
  /** Table files RocksDB keeps open at most; more are opened and closed as needed. */
  static final int MAX_OPEN_FILES = 256;

  private final LRUCache cache = new LRUCache(CACHE_BYTES);
  private final WriteBufferManager memtables = new WriteBufferManager(MEMTABLE_BYTES, cache);
  final DBOptions db;
  /** Every column family but the values'. */
  final ColumnFamilyOptions family;
  /** The values' column family. */
  final ColumnFamilyOptions data;

  StoreOptions() {
    db = new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setAtomicFlush(true)
        // Bounded (RocksDB's default is unbounded) so that the node's descriptors can be budgeted:
        // client connections are refused long before storage would run out (client.fd.reserve).
        .setMaxOpenFiles(MAX_OPEN_FILES)
        .setWriteBufferManager(memtables);
    family = new ColumnFamilyOptions().setTableFormatConfig(tables());
    // Blob files' garbage (overwritten and deleted values) is collected by compaction once a
    // file is among the oldest quarter.
    data = new ColumnFamilyOptions().setTableFormatConfig(tables())
        .setEnableBlobFiles(true)
        .setMinBlobSize(MIN_BLOB_BYTES)
        .setBlobFileSize(BLOB_FILE_BYTES)
        .setEnableBlobGarbageCollection(true)
        .setBlobGarbageCollectionAgeCutoff(0.25);
  }

  private BlockBasedTableConfig tables() {
    return new BlockBasedTableConfig()
        .setBlockCache(cache)
        .setCacheIndexAndFilterBlocks(true)
        .setPinL0FilterAndIndexBlocksInCache(true);
  }

  @Override
  public void close() {
    for (AutoCloseable o : List.<AutoCloseable>of(family, data, db, memtables, cache)) {
      try {
        o.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing RocksDB options failed", e);
      }
    }
  }
}
