package dev.coffer.node.storage;

import static dev.coffer.node.storage.CommandApplier.parse;

import dev.coffer.proto.KeptVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * Forgets kept versions superseded longer ago than the entry's retention, oldest first, at most
 * {@link #MAX_PER_ENTRY} per log entry so that a backlog never stalls apply: the next entries go
 * on with it. Runs in every entry before its commands, by the entry's timestamp, so every replica
 * forgets the same versions at the same index.
 *
 * <p>The scan starts at a floor (the last expiry key forgotten) rather than at the first key:
 * RocksDB's iterator would otherwise step over every tombstone of the versions forgotten before.
 * A leader whose clock is behind its predecessor's can file a version below the floor; every
 * {@link #FULL_SCAN_EVERY}th entry therefore scans from the first key.
 */
final class VersionExpiry {
  static final int MAX_PER_ENTRY = 64;
  static final long FULL_SCAN_EVERY = 4096;
  private static final byte[] FLOOR = "version-expiry-floor".getBytes(StandardCharsets.US_ASCII);

  private VersionExpiry() {}

  static void run(ObjectWrites writes, ColumnFamilies cf, WriteBatchWithIndex batch)
      throws RocksDBException {
    BatchReads reads = writes.reads();
    long cutoff = writes.timestampMillis() - writes.retentionMillis();
    if (cutoff < 0) {
      return; // nothing was superseded before the epoch (and a negative bound would sort last)
    }
    byte[] floor = writes.index() % FULL_SCAN_EVERY == 0 ? null : reads.get(cf.defaults(), FLOOR);
    byte[] bound = StoreKeys.expiryBound(StoreKeys.VERSION_EXPIRY, cutoff);
    List<BatchReads.Entry> due = reads.scan(cf.expiry(), floor == null ? new byte[] {StoreKeys.VERSION_EXPIRY} : floor,
        key -> Arrays.compareUnsigned(key, bound) < 0, MAX_PER_ENTRY);
    for (BatchReads.Entry entry : due) {
      byte[] versionKey = StoreKeys.expiryTarget(entry.key());
      byte[] stored = reads.get(cf.versions(), versionKey);
      if (stored == null) {
        batch.delete(cf.expiry(), entry.key()); // nothing left to forget; drop the stray index entry
      } else {
        writes.forget(versionKey, parse(KeptVersion.parser(), stored, "kept version"));
      }
    }
    if (!due.isEmpty()) {
      batch.put(cf.defaults(), FLOOR, due.get(due.size() - 1).key());
    }
  }
}
