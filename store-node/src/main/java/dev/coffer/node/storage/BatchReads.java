package dev.coffer.node.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * Reads of the state one log entry sees: the database with the entry's own batch on top, so a
 * command sees what the earlier commands of its entry wrote. Scans return their entries collected
 * and their iterators closed, because changing a batch under its own iterator is unsafe.
 */
final class BatchReads {
  /** One stored key and its value. */
  record Entry(byte[] key, byte[] value) {}

  private final RocksDB db;
  private final WriteBatchWithIndex batch;
  private final ReadOptions options;

  BatchReads(RocksDB db, WriteBatchWithIndex batch, ReadOptions options) {
    this.db = db;
    this.batch = batch;
    this.options = options;
  }

  byte[] get(ColumnFamilyHandle family, byte[] key) throws RocksDBException {
    return batch.getFromBatchAndDB(db, family, options, key);
  }

  /** Up to {@code max} entries from the first key at or after {@code from}, while {@code within} holds. */
  List<Entry> scan(ColumnFamilyHandle family, byte[] from, Predicate<byte[]> within, int max)
      throws RocksDBException {
    return scan(family, from, within, max, true);
  }

  /** As {@link #scan}, backwards from the last key at or before {@code from}. */
  List<Entry> scanBackward(ColumnFamilyHandle family, byte[] from, Predicate<byte[]> within, int max)
      throws RocksDBException {
    return scan(family, from, within, max, false);
  }

  private List<Entry> scan(ColumnFamilyHandle family, byte[] from, Predicate<byte[]> within, int max,
      boolean forward) throws RocksDBException {
    List<Entry> found = new ArrayList<>();
    try (RocksIterator base = db.newIterator(family, options);
        RocksIterator it = batch.newIteratorWithBase(family, base, options)) {
      if (forward) {
        it.seek(from);
      } else {
        it.seekForPrev(from);
      }
      for (; it.isValid() && found.size() < max; step(it, forward)) {
        byte[] key = it.key();
        if (!within.test(key)) {
          break;
        }
        found.add(new Entry(key, it.value()));
      }
      it.status();
    }
    return found;
  }

  private static void step(RocksIterator it, boolean forward) {
    if (forward) {
      it.next();
    } else {
      it.prev();
    }
  }
}
