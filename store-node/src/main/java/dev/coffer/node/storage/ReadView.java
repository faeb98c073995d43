package dev.coffer.node.storage;

import static dev.coffer.node.storage.CommandApplier.parse;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.coffer.proto.AccessPolicy;
import dev.coffer.proto.GetResult;
import dev.coffer.proto.KeptVersion;
import dev.coffer.proto.VersionInfo;
import dev.coffer.proto.VersionsResult;
import dev.coffer.proto.ListResult;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.UsageResult;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * Reads from one consistent RocksDB snapshot: every answer of one view, including
 * {@link #appliedIndex()}, reflects the same applied log entry. Safe to use from any thread;
 * close it (it pins the snapshot) before the store is closed.
 */
public final class ReadView implements AutoCloseable {

  private final RocksDB db;
  private final ColumnFamilies cf;
  private final Snapshot snapshot;
  private final ReadOptions options;

  ReadView(RocksDB db, ColumnFamilies cf) {
    this.db = db;
    this.cf = cf;
    this.snapshot = db.getSnapshot();
    this.options = new ReadOptions().setSnapshot(snapshot);
  }

  /** The (term, index) this view reflects. */
  AppliedPosition appliedPosition() {
    return AppliedPosition.decode(
        read(cf.defaults(), StoreKeys.APPLIED_POSITION, "applied position"));
  }

  /** The replicated access policy; empty when no grant was ever made. */
  public AccessPolicy accessPolicy() {
    byte[] stored = read(cf.defaults(), StoreKeys.ACCESS_POLICY, "access policy");
    return stored == null ? AccessPolicy.getDefaultInstance() : parse(AccessPolicy.parser(), stored, "access policy");
  }

  /** The log index of the last entry this view reflects; 0 for an empty store. */
  public long appliedIndex() {
    return appliedPosition().index();
  }

  public Optional<ObjectMeta> head(String user, ByteString key) {
    byte[] stored = read(cf.meta(), objectKey(user, key), "object metadata");
    return stored == null
        ? Optional.empty()
        : Optional.of(parse(ObjectMeta.parser(), stored, "object metadata"));
  }

  public Optional<GetResult> get(String user, ByteString key) {
    byte[] objectKey = objectKey(user, key);
    byte[] meta = read(cf.meta(), objectKey, "object metadata");
    if (meta == null) {
      return Optional.empty();
    }
    ObjectMeta parsed = parse(ObjectMeta.parser(), meta, "object metadata");
    byte[] value = read(cf.data(), StoreKeys.valueKey(objectKey, parsed), "object value");
    if (value == null) {
      throw new StorageException("the value of an object with metadata is missing (user "
          + user + ", key of " + key.size() + " bytes)");
    }
    return Optional.of(GetResult.newBuilder()
        .setMeta(parsed)
        .setValue(UnsafeByteOperations.unsafeWrap(value)) // fresh array, owned by no one else
        .build());
  }

  /**
   * Version {@code version} of an object: the current one if it has that version, else a kept
   * one; empty when neither (or when that version is a delete).
   */
  public Optional<GetResult> getVersion(String user, ByteString key, long version) {
    byte[] objectKey = objectKey(user, key);
    Optional<ObjectMeta> current = head(user, key);
    if (current.isPresent() && current.get().getVersion() == version) {
      return get(user, key);
    }
    byte[] versionKey = StoreKeys.version(objectKey, version);
    Optional<KeptVersion> kept = kept(versionKey);
    if (kept.isEmpty()) {
      return Optional.empty();
    }
    byte[] value = read(cf.data(), StoreKeys.valueKey(objectKey, kept.get().getMeta()), "kept value");
    if (value == null) {
      throw new StorageException("the value of a kept version is missing (user " + user + ", version "
          + Long.toUnsignedString(version) + ")");
    }
    return Optional.of(GetResult.newBuilder().setMeta(kept.get().getMeta())
        .setValue(UnsafeByteOperations.unsafeWrap(value)).build());
  }

  /** As {@link #getVersion}, metadata only. */
  public Optional<ObjectMeta> headVersion(String user, ByteString key, long version) {
    Optional<ObjectMeta> current = head(user, key);
    if (current.isPresent() && current.get().getVersion() == version) {
      return current;
    }
    return kept(StoreKeys.version(objectKey(user, key), version)).map(KeptVersion::getMeta);
  }

  private Optional<KeptVersion> kept(byte[] versionKey) {
    byte[] stored = read(cf.versions(), versionKey, "kept version");
    if (stored == null) {
      return Optional.empty();
    }
    KeptVersion kept = parse(KeptVersion.parser(), stored, "kept version");
    return kept.getDeleted() ? Optional.empty() : Optional.of(kept);
  }

  /**
   * Up to {@code limit} versions of an object, newest first: the current one, then the kept ones
   * and delete markers, all below {@code beforeVersion} (0 = from the newest). Expiry times are
   * computed with {@code retentionMillis}.
   */
  public VersionsResult versions(String user, ByteString key, long beforeVersion, int limit,
      long retentionMillis) {
    if (limit < 1) {
      throw new IllegalArgumentException("versions limit must be at least 1, got " + limit);
    }
    byte[] objectKey = objectKey(user, key);
    VersionsResult.Builder result = VersionsResult.newBuilder();
    Optional<ObjectMeta> current = head(user, key);
    if (current.isPresent() && (beforeVersion == 0
        || Long.compareUnsigned(current.get().getVersion(), beforeVersion) < 0)) {
      result.addVersions(VersionInfo.newBuilder().setMeta(current.get()).setCurrent(true));
    }
    byte[] prefix = StoreKeys.versionPrefix(objectKey);
    byte[] from = StoreKeys.version(objectKey, beforeVersion == 0 ? -1L : beforeVersion);
    try (RocksIterator it = db.newIterator(cf.versions(), options)) {
      for (it.seekForPrev(from); it.isValid(); it.prev()) {
        byte[] versionKey = it.key();
        if (!StoreKeys.startsWith(versionKey, prefix)) {
          break;
        }
        if (!StoreKeys.isVersionOf(versionKey, prefix)
            || (beforeVersion != 0 && Arrays.equals(versionKey, from))) {
          continue;
        }
        if (result.getVersionsCount() == limit) {
          result.setTruncated(true);
          break;
        }
        KeptVersion kept = parse(KeptVersion.parser(), it.value(), "kept version");
        result.addVersions(VersionInfo.newBuilder().setMeta(kept.getMeta()).setDeleted(kept.getDeleted())
            .setExpiresMillis(kept.getSupersededMillis() + retentionMillis));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB scan of versions for user " + user + " failed: " + e.getMessage(), e);
    }
    return result.build();
  }

  /**
   * Up to {@code limit} objects of {@code user} whose keys start with {@code prefix} and sort
   * strictly after {@code startAfter} (empty = from the first), in unsigned byte order of keys.
   * {@code truncated} is set when more keys match.
   */
  public ListResult list(String user, ByteString prefix, ByteString startAfter, int limit) {
    checkUser(user);
    if (limit < 1) {
      throw new IllegalArgumentException("list limit must be at least 1, got " + limit);
    }
    byte[] matching = StoreKeys.objectPrefix(user, prefix);
    boolean afterPrefix =
        ByteString.unsignedLexicographicalComparator().compare(startAfter, prefix) >= 0;
    byte[] skipped = StoreKeys.object(user, startAfter);
    ListResult.Builder result = ListResult.newBuilder();
    try (RocksIterator it = db.newIterator(cf.meta(), options)) {
      for (it.seek(afterPrefix ? skipped : matching); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!StoreKeys.startsWith(key, matching)) {
          break;
        }
        if (afterPrefix && Arrays.equals(key, skipped)) {
          continue;
        }
        if (result.getObjectsCount() == limit) {
          result.setTruncated(true);
          break;
        }
        result.addObjects(parse(ObjectMeta.parser(), it.value(), "object metadata"));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB list for user " + user + " failed: " + e.getMessage(), e);
    }
    return result.build();
  }

  /** Bytes and objects stored by {@code user}; zeros for a user never seen. */
  public UsageResult usage(String user) {
    checkUser(user);
    byte[] stored = read(cf.usage(), StoreKeys.usage(user), "usage");
    return stored == null
        ? UsageResult.getDefaultInstance()
        : parse(UsageResult.parser(), stored, "usage of user " + user);
  }

  /**
   * Re-reads every object's value and checks its size and CRC32C against its metadata; returns
   * how many were checked and the "user/key" of up to {@code maxReported} that failed.
   */
  public ScrubReport scrub(int maxReported) {
    long checked = 0;
    long corrupt = 0;
    List<String> reported = new java.util.ArrayList<>();
    try (RocksIterator it = db.newIterator(cf.meta(), options)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        checked++;
        ObjectMeta meta = parse(ObjectMeta.parser(), it.value(), "object metadata");
        byte[] value = read(cf.data(), StoreKeys.valueKey(it.key(), meta), "object value");
        boolean intact = value != null && value.length == meta.getSize()
            && Validation.crc32c(ByteString.copyFrom(value)) == meta.getCrc32C();
        if (!intact) {
          corrupt++;
          if (reported.size() < maxReported) {
            reported.add(StoreKeys.describeObjectKey(it.key()));
          }
        }
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB scan for the scrub failed: " + e.getMessage(), e);
    }
    return new ScrubReport(checked, corrupt, reported);
  }

  /** What a scrub found. */
  public record ScrubReport(long checked, long corrupt, List<String> corruptObjects) {}

  /** SHA-256 of every column family's keys and values in this view. */
  public byte[] digest() {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      digestInto(sha256);
      return sha256.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Feeds every (column family name, key, value) of the snapshot, in order, to {@code digest}. */
  void digestInto(MessageDigest digest) {
    Map<String, ColumnFamilyHandle> families = new HashMap<>();
    List<ColumnFamilyHandle> handles = cf.all();
    for (int i = 0; i < handles.size(); i++) {
      families.put(StoreKeys.COLUMN_FAMILIES.get(i), handles.get(i));
    }
    StateDigest.feed(digest, db, options, families);
  }

  @Override
  public void close() {
    options.close();
    db.releaseSnapshot(snapshot);
  }

  private byte[] read(ColumnFamilyHandle family, byte[] key, String what) {
    try {
      return db.get(family, options, key);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB read of " + what + " failed: " + e.getMessage(), e);
    }
  }

  private static byte[] objectKey(String user, ByteString key) {
    checkUser(user);
    return StoreKeys.object(user, key);
  }

  /** Guards the key layout: a user id holding 0x00 could reach another user's keys. */
  private static void checkUser(String user) {
    Validation.checkUser(user).ifPresent(message -> {
      throw new IllegalArgumentException(message);
    });
  }
}
