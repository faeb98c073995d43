package dev.coffer.node.storage;

import static dev.coffer.node.storage.CommandApplier.parse;

import com.google.protobuf.ByteString;
import dev.coffer.proto.KeptVersion;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.UsageResult;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * One log entry's changes to objects, written into the entry's batch: the object itself, the
 * version it replaces (kept while the entry's retention is above zero, see docs/design.md,
 * "Versions") and the user's usage. Every replica makes the same changes: only the entry (index,
 * timestamp, retention) and the stored state decide them.
 */
final class ObjectWrites {
  private static final int KEPT_PAGE = 64;
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

  /** The value of the version {@code meta} describes, current or kept. */
  byte[] readValue(byte[] objectKey, ObjectMeta meta) throws RocksDBException {
    byte[] value = reads.get(cf.data(), StoreKeys.valueKey(objectKey, meta));
    if (value == null) {
      throw new StorageException("the value of " + StoreKeys.describeObjectKey(objectKey) + " version "
          + Long.toUnsignedString(meta.getVersion()) + " is missing", null);
    }
    return value;
  }

  /**
   * Makes {@code value} the object's current version (this entry's index), keeping the one it
   * replaces. {@code createdMillis} is the object's creation time to record. The value is stored
   * under its version (see {@link StoreKeys#valueKey}), so the replaced one is kept where it lies:
   * keeping a version costs its metadata, never a copy of its bytes.
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
        .setValueByVersion(true)
        .build();
    if (current != null) {
      supersede(user, objectKey, current);
    }
    batch.put(cf.meta(), objectKey, meta.toByteArray());
    batch.put(cf.data(), StoreKeys.valueKey(objectKey, meta), value);
    long oldSize = current != null ? current.getSize() : 0;
    addUsage(user, meta.getSize() - oldSize, current != null ? 0 : 1, 0, 0);
    return meta;
  }

  /** Deletes the current version {@code current}, keeping it and a delete marker. */
  void delete(String user, byte[] objectKey, ObjectMeta current) throws RocksDBException {
    supersede(user, objectKey, current);
    if (retentionMillis > 0) {
      ObjectMeta marker = ObjectMeta.newBuilder().setKey(current.getKey()).setVersion(index)
          .setCreatedMillis(current.getCreatedMillis()).setModifiedMillis(timestampMillis).build();
      putKept(user, StoreKeys.version(objectKey, index),
          KeptVersion.newBuilder().setMeta(marker).setDeleted(true).setSupersededMillis(timestampMillis).build());
    }
    batch.delete(cf.meta(), objectKey);
    addUsage(user, -current.getSize(), -1, 0, 0);
  }

  /**
   * The newest kept version of one object that {@code wanted} accepts, or null. Versions are read
   * newest first, a page at a time, so memory stays bounded however many are kept.
   */
  Kept newestKept(byte[] objectKey, Predicate<KeptVersion> wanted) throws RocksDBException {
    byte[] prefix = StoreKeys.versionPrefix(objectKey);
    byte[] from = StoreKeys.version(objectKey, -1L);
    boolean inclusive = true;
    while (true) {
      List<BatchReads.Entry> page = reads.scanBackward(cf.versions(), from,
          key -> StoreKeys.startsWith(key, prefix), KEPT_PAGE + 1);
      for (BatchReads.Entry e : page) {
        if ((!inclusive && Arrays.equals(e.key(), from)) || !StoreKeys.isVersionOf(e.key(), prefix)) {
          continue;
        }
        KeptVersion version = parse(KeptVersion.parser(), e.value(), "kept version");
        if (wanted.test(version)) {
          return new Kept(e.key(), version);
        }
      }
      if (page.size() <= KEPT_PAGE) {
        return null;
      }
      from = page.get(page.size() - 1).key();
      inclusive = false;
    }
  }

  /** A kept version and the key it is stored under. */
  record Kept(byte[] versionKey, KeptVersion version) {}

  byte[] readKeptValue(Kept kept) throws RocksDBException {
    return readValue(StoreKeys.objectOfVersion(kept.versionKey()), kept.version().getMeta());
  }

  /** Forgets the kept version under {@code versionKey}, its value with it. */
  void forget(byte[] versionKey, KeptVersion version) throws RocksDBException {
    batch.delete(cf.versions(), versionKey);
    if (!version.getDeleted()) {
      batch.delete(cf.data(), StoreKeys.valueKey(StoreKeys.objectOfVersion(versionKey), version.getMeta()));
    }
    batch.delete(cf.expiry(), StoreKeys.versionExpiry(version.getSupersededMillis(), versionKey));
    addUsage(StoreKeys.userOf(versionKey), 0, 0, -version.getMeta().getSize(), -1);
  }

  /**
   * The current version {@code current} stops being current: it joins the kept ones (its value
   * stays where it lies), or, with retention 0, its value is deleted.
   */
  private void supersede(String user, byte[] objectKey, ObjectMeta current) throws RocksDBException {
    if (retentionMillis <= 0) {
      batch.delete(cf.data(), StoreKeys.valueKey(objectKey, current));
      return;
    }
    putKept(user, StoreKeys.version(objectKey, current.getVersion()),
        KeptVersion.newBuilder().setMeta(current).setSupersededMillis(timestampMillis).build());
  }

  private void putKept(String user, byte[] versionKey, KeptVersion kept) throws RocksDBException {
    batch.put(cf.versions(), versionKey, kept.toByteArray());
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
