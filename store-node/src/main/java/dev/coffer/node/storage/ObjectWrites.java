package dev.coffer.node.storage;

import static dev.coffer.node.storage.CommandApplier.parse;

import com.google.protobuf.ByteString;
import dev.coffer.proto.KeptVersion;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.UsageResult;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * One log entry's changes to objects, written into the entry's batch: the object itself, the
 * version it replaces (kept while the entry's retention is above zero, see docs/design.md,
 * "Versions") and the user's usage. Every replica makes the same changes: only the entry (index,
 * timestamp, retention) and the stored state decide them.
 */
final class ObjectWrites {
  private final BatchReads reads;
  private final ColumnFamilies cf;
  private final WriteBatchWithIndex batch;
  private final long index;
  private final long timestampMillis;
  private final long retentionMillis;

  ObjectWrites(BatchReads reads, ColumnFamilies cf, WriteBatchWithIndex batch, long index,
      long timestampMillis, long retentionMillis) {
    this.reads = reads;
    this.cf = cf;
    this.batch = batch;
    this.index = index;
    this.timestampMillis = timestampMillis;
    this.retentionMillis = retentionMillis;
  }

  long index() {
    return index;
  }

  long timestampMillis() {
    return timestampMillis;
  }

  long retentionMillis() {
    return retentionMillis;
  }

  BatchReads reads() {
    return reads;
  }

  ObjectMeta readMeta(byte[] objectKey) throws RocksDBException {
    byte[] stored = reads.get(cf.meta(), objectKey);
    return stored == null ? null : parse(ObjectMeta.parser(), stored, "object metadata");
  }

  byte[] readValue(byte[] objectKey) throws RocksDBException {
    return reads.get(cf.data(), objectKey);
  }

  /**
   * Makes {@code value} the object's current version (this entry's index), keeping the one it
   * replaces. {@code createdMillis} is the object's creation time to record.
   */
  ObjectMeta write(String user, byte[] objectKey, ByteString key, byte[] value, int crc32c,
      ObjectMeta current, long createdMillis) throws RocksDBException {
    ObjectMeta meta = ObjectMeta.newBuilder()
        .setKey(key)
        .setVersion(index)
        .setSize(value.length)
        .setCrc32C(crc32c)
        .setCreatedMillis(createdMillis)
        .setModifiedMillis(timestampMillis)
        .build();
    if (current != null) {
      keep(user, objectKey, current);
    }
    batch.put(cf.meta(), objectKey, meta.toByteArray());
    batch.put(cf.data(), objectKey, value);
    long oldSize = current != null ? current.getSize() : 0;
    addUsage(user, meta.getSize() - oldSize, current != null ? 0 : 1, 0, 0);
    return meta;
  }

  /** Deletes the current version {@code current}, keeping it and a delete marker. */
  void delete(String user, byte[] objectKey, ObjectMeta current) throws RocksDBException {
    keep(user, objectKey, current);
    if (retentionMillis > 0) {
      ObjectMeta marker = ObjectMeta.newBuilder().setKey(current.getKey()).setVersion(index)
          .setCreatedMillis(current.getCreatedMillis()).setModifiedMillis(timestampMillis).build();
      putKept(user, StoreKeys.version(objectKey, index),
          KeptVersion.newBuilder().setMeta(marker).setDeleted(true).setSupersededMillis(timestampMillis).build(), null);
    }
    batch.delete(cf.meta(), objectKey);
    batch.delete(cf.data(), objectKey);
    addUsage(user, -current.getSize(), -1, 0, 0);
  }

  /**
   * The kept versions of one object, newest first, at most {@code max}, each with its version key.
   */
  List<Kept> keptVersions(byte[] objectKey, int max) throws RocksDBException {
    byte[] prefix = StoreKeys.versionPrefix(objectKey);
    List<Kept> kept = new ArrayList<>();
    byte[] from = StoreKeys.version(objectKey, -1L);
    for (BatchReads.Entry e : reads.scanBackward(cf.versions(), from,
        key -> StoreKeys.startsWith(key, prefix), Integer.MAX_VALUE)) {
      if (kept.size() == max) {
        break;
      }
      if (StoreKeys.isVersionOf(e.key(), prefix)) {
        kept.add(new Kept(e.key(), parse(KeptVersion.parser(), e.value(), "kept version")));
      }
    }
    return kept;
  }

  /** A kept version and the key it is stored under. */
  record Kept(byte[] versionKey, KeptVersion version) {}

  byte[] readKeptValue(byte[] versionKey) throws RocksDBException {
    byte[] value = reads.get(cf.versionData(), versionKey);
    if (value == null) {
      throw new StorageException("the value of a kept version is missing ("
          + StoreKeys.describeObjectKey(StoreKeys.objectOfVersion(versionKey)) + ", version "
          + Long.toUnsignedString(StoreKeys.versionNumber(versionKey)) + ")", null);
    }
    return value;
  }

  /** Forgets the kept version under {@code versionKey}. */
  void forget(byte[] versionKey, KeptVersion version) throws RocksDBException {
    batch.delete(cf.versions(), versionKey);
    batch.delete(cf.versionData(), versionKey);
    batch.delete(cf.expiry(), StoreKeys.versionExpiry(version.getSupersededMillis(), versionKey));
    addUsage(StoreKeys.userOf(versionKey), 0, 0, -version.getMeta().getSize(), -1);
  }

  /** Moves the current version {@code current} (value still in the data family) to the kept ones. */
  private void keep(String user, byte[] objectKey, ObjectMeta current) throws RocksDBException {
    if (retentionMillis <= 0) {
      return;
    }
    byte[] value = readValue(objectKey);
    if (value == null) {
      throw new StorageException("the value of an object with metadata is missing ("
          + StoreKeys.describeObjectKey(objectKey) + ")", null);
    }
    putKept(user, StoreKeys.version(objectKey, current.getVersion()),
        KeptVersion.newBuilder().setMeta(current).setSupersededMillis(timestampMillis).build(), value);
  }

  private void putKept(String user, byte[] versionKey, KeptVersion kept, byte[] value) throws RocksDBException {
    batch.put(cf.versions(), versionKey, kept.toByteArray());
    if (value != null) {
      batch.put(cf.versionData(), versionKey, value);
    }
    batch.put(cf.expiry(), StoreKeys.versionExpiry(kept.getSupersededMillis(), versionKey), new byte[0]);
    addUsage(user, 0, 0, kept.getMeta().getSize(), 1);
  }

  /** Adds to the user's usage; a user left with nothing has no usage record, as if never seen. */
  void addUsage(String user, long bytesDelta, long objectsDelta, long versionBytesDelta,
      long versionsDelta) throws RocksDBException {
    byte[] usageKey = StoreKeys.usage(user);
    byte[] stored = reads.get(cf.usage(), usageKey);
    UsageResult old = stored == null
        ? UsageResult.getDefaultInstance()
        : parse(UsageResult.parser(), stored, "usage of user " + user);
    UsageResult now = UsageResult.newBuilder()
        .setBytes(old.getBytes() + bytesDelta)
        .setObjects(old.getObjects() + objectsDelta)
        .setVersionBytes(old.getVersionBytes() + versionBytesDelta)
        .setVersions(old.getVersions() + versionsDelta)
        .build();
    if (now.equals(UsageResult.getDefaultInstance())) {
      batch.delete(cf.usage(), usageKey);
    } else {
      batch.put(cf.usage(), usageKey, now.toByteArray());
    }
  }
}
