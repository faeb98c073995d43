package dev.coffer.node.storage;

import com.google.protobuf.ByteString;
import dev.coffer.proto.ObjectMeta;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksDB;

/**
 * Names of the column families and the byte layout of their keys.
 *
 * <p>User ids and client ids never contain 0x00 (see {@link Validation}), so a 0x00 after them
 * makes every composite key unambiguous and keeps one user's (or client's) keys contiguous and
 * in byte order.
 */
final class StoreKeys {

  /** Holds the applied (term, index) under {@link #APPLIED_POSITION}. */
  static final String DEFAULT_CF = new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8);
  /** user 0x00 key → serialized ObjectMeta. */
  static final String META_CF = "meta";
  /**
   * user 0x00 key 0x00 version (8 bytes, big-endian) → the value bytes of that version, current or
   * kept (see {@link #valueKey}); values written before versions: user 0x00 key → value bytes.
   */
  static final String DATA_CF = "data";
  /** user → serialized UsageResult. */
  static final String USAGE_CF = "usage";
  /**
   * client id 0x00 sequence (8 bytes, big-endian) → serialized SessionRecord; and client id 0x00
   * (the bare prefix, sorting before the client's records) → the client's floor (8 bytes).
   */
  static final String SESSIONS_CF = "sessions";
  /** user 0x00 key 0x00 version (8 bytes, big-endian) → serialized KeptVersion. */
  static final String VERSIONS_CF = "versions";
  /**
   * 'V', the time a version was superseded (8 bytes, big-endian milliseconds), its
   * {@link #VERSIONS_CF} key → nothing; and 'S', the time a client was last seen, its client id →
   * nothing: what expires, in the order it does.
   */
  static final String EXPIRY_CF = "expiry";

  /** Every column family, in the order the store opens them and the digest visits them. */
  static final List<String> COLUMN_FAMILIES =
      List.of(DEFAULT_CF, META_CF, DATA_CF, USAGE_CF, SESSIONS_CF, VERSIONS_CF, EXPIRY_CF);

  /** The values' family: its values are large and go to blob files. */
  static boolean holdsValues(String family) {
    return family.equals(DATA_CF);
  }

  /**
   * Where the value of the version {@code meta} describes lies in {@link #DATA_CF}: under the object
   * key and the version, so that a superseded value stays where it is when it is kept; values
   * written before versions lie under the object key alone.
   */
  static byte[] valueKey(byte[] objectKey, ObjectMeta meta) {
    return meta.getValueByVersion() ? version(objectKey, meta.getVersion()) : objectKey;
  }

  static final byte[] APPLIED_POSITION = "applied-position".getBytes(StandardCharsets.US_ASCII);
  /** In the default family: the replicated access policy (serialized AccessPolicy). */
  static final byte[] ACCESS_POLICY = "access-policy".getBytes(StandardCharsets.US_ASCII);

  private static final byte SEPARATOR = 0;

  private StoreKeys() {}

  /** Key of an object in the meta and data families. */
  static byte[] object(String user, ByteString key) {
    return userScoped(user, key);
  }

  /** Every object key of {@code user} whose key starts with {@code prefix} starts with this. */
  static byte[] objectPrefix(String user, ByteString prefix) {
    return userScoped(user, prefix);
  }

  /**
   * Every kept version of one object starts with this (its object key then 0x00). A key may hold
   * 0x00 itself, so another object's versions can share the prefix: {@link #isVersionOf} tells
   * them apart by length.
   */
  static byte[] versionPrefix(byte[] objectKey) {
    return Arrays.copyOf(objectKey, objectKey.length + 1);
  }

  static byte[] version(byte[] objectKey, long version) {
    return ByteBuffer.allocate(objectKey.length + 1 + Long.BYTES).put(objectKey).put(SEPARATOR)
        .putLong(version).array();
  }

  /** Whether {@code versionKey} is a version of the object whose {@link #versionPrefix} this is. */
  static boolean isVersionOf(byte[] versionKey, byte[] versionPrefix) {
    return versionKey.length == versionPrefix.length + Long.BYTES && startsWith(versionKey, versionPrefix);
  }

  static long versionNumber(byte[] versionKey) {
    return ByteBuffer.wrap(versionKey, versionKey.length - Long.BYTES, Long.BYTES).getLong();
  }

  /** The object key a version key belongs to. */
  static byte[] objectOfVersion(byte[] versionKey) {
    return Arrays.copyOf(versionKey, versionKey.length - 1 - Long.BYTES);
  }

  /** Expiry keys of kept versions start with this byte, those of clients' sessions with {@link #SESSION_EXPIRY}. */
  static final byte VERSION_EXPIRY = 'V';
  static final byte SESSION_EXPIRY = 'S';

  /** Files a kept version under the time it was superseded. */
  static byte[] versionExpiry(long supersededMillis, byte[] versionKey) {
    return ByteBuffer.allocate(1 + Long.BYTES + versionKey.length).put(VERSION_EXPIRY)
        .putLong(supersededMillis).put(versionKey).array();
  }

  /** Files a client under the time it was last seen writing. */
  static byte[] sessionExpiry(long lastSeenMillis, String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + Long.BYTES + id.length).put(SESSION_EXPIRY).putLong(lastSeenMillis).put(id)
        .array();
  }

  /** Sorts after every expiry key of {@code kind} filed at or before {@code millis} (not negative). */
  static byte[] expiryBound(byte kind, long millis) {
    return ByteBuffer.allocate(1 + Long.BYTES).put(kind).putLong(millis + 1).array();
  }

  /** What an expiry key files: a version key, or a client id's bytes. */
  static byte[] expiryTarget(byte[] expiryKey) {
    return Arrays.copyOfRange(expiryKey, 1 + Long.BYTES, expiryKey.length);
  }

  /** The user an object or version key belongs to. */
  static String userOf(byte[] objectKey) {
    int separator = 0;
    while (separator < objectKey.length && objectKey[separator] != SEPARATOR) {
      separator++;
    }
    return new String(objectKey, 0, separator, StandardCharsets.UTF_8);
  }

  /** Every object and version key of {@code user} starts with this. */
  static byte[] userPrefix(String user) {
    return userScoped(user, ByteString.EMPTY);
  }

  static byte[] usage(String user) {
    return user.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] session(String clientId, long sequence) {
    byte[] prefix = sessionPrefix(clientId);
    return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(sequence).array();
  }

  /**
   * Every session key of {@code clientId} starts with this, and no key of another client does:
   * a client id never holds 0x00 (apply checks it with {@link Validation#checkWriteId} before
   * building a key), so "a" 0x00 is not a prefix of "ab" 0x00 or of any other id's keys.
   */
  static byte[] sessionPrefix(String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = Arrays.copyOf(id, id.length + 1);
    prefix[id.length] = SEPARATOR;
    return prefix;
  }

  /**
   * Key of the client's floor: the acked_below below which its records are already forgotten.
   * It is the client's bare prefix, shorter than any of its session keys, and no other client's
   * key (a client id holds no 0x00).
   */
  static byte[] sessionFloor(String clientId) {
    return sessionPrefix(clientId);
  }

  /** A client's floor record: its acked_below, then when it was last seen writing (by entry time). */
  record ClientFloor(long ackedBelow, long lastSeenMillis) {
    byte[] encode() {
      return ByteBuffer.allocate(2 * Long.BYTES).putLong(ackedBelow).putLong(lastSeenMillis).array();
    }

    /** Records written before clients expired hold acked_below alone: last seen 0. */
    static ClientFloor decode(byte[] stored) {
      if (stored.length != Long.BYTES && stored.length != 2 * Long.BYTES) {
        throw new StorageException("stored session floor has " + stored.length + " bytes, not "
            + Long.BYTES + " or " + 2 * Long.BYTES, null);
      }
      ByteBuffer buffer = ByteBuffer.wrap(stored);
      return new ClientFloor(buffer.getLong(), stored.length == Long.BYTES ? 0 : buffer.getLong());
    }
  }

  /** The sequence number of a key made by {@link #session}. */
  static long sessionSequence(byte[] sessionKey) {
    return ByteBuffer.wrap(sessionKey, sessionKey.length - Long.BYTES, Long.BYTES).getLong();
  }

  /** "user/key" for an object key, for reports (the key's bytes decoded as UTF-8). */
  static String describeObjectKey(byte[] objectKey) {
    int separator = 0;
    while (separator < objectKey.length && objectKey[separator] != SEPARATOR) {
      separator++;
    }
    return new String(objectKey, 0, separator, StandardCharsets.UTF_8) + "/"
        + new String(objectKey, Math.min(separator + 1, objectKey.length),
            Math.max(0, objectKey.length - separator - 1), StandardCharsets.UTF_8);
  }

  static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] userScoped(String user, ByteString tail) {
    byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[userBytes.length + 1 + tail.size()];
    System.arraycopy(userBytes, 0, key, 0, userBytes.length);
    key[userBytes.length] = SEPARATOR;
    tail.copyTo(key, userBytes.length + 1);
    return key;
  }
}
