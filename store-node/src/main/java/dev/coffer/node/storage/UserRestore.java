package dev.coffer.node.storage;

import static dev.coffer.node.storage.CommandApplier.parse;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.coffer.proto.KeptVersion;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.RestoreUserRequest;
import dev.coffer.proto.RestoreUserResult;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.rocksdb.RocksDBException;

/**
 * One step of {@code restore-user}: puts a bounded run of one user's objects back as they were at
 * {@code as_of_millis}, and says where the next step starts. Objects are visited in two passes: the
 * current objects in key order, then the kept versions (which find the objects deleted since). A
 * step visits at most {@link #MAX_KEYS} objects and stops once it has copied {@link #MAX_BYTES} of
 * old values, so that no entry's batch grows without bound.
 *
 * <p>Each object's state at that time is the newest of its versions (current or kept, deletes
 * included) written at or before it. Restoring writes that state as a new version, so the restore
 * is itself undoable, and a step repeated (a retry, or the whole restore run again) finds the
 * objects already as they were and changes nothing.
 */
final class UserRestore {
  static final int MAX_KEYS = 256;
  static final long MAX_BYTES = 32L << 20;
  private static final byte CURRENT_PASS = 1;
  private static final byte KEPT_PASS = 2;

  private final ObjectWrites writes;
  private final ColumnFamilies cf;
  private final RestoreUserRequest request;
  private final RestoreUserResult.Builder result = RestoreUserResult.newBuilder();
  private long bytesCopied;
  /** Objects visited in this step, restored or passed over. */
  private int visits;

  private UserRestore(ObjectWrites writes, ColumnFamilies cf, RestoreUserRequest request) {
    this.writes = writes;
    this.cf = cf;
    this.request = request;
  }

  /** Why the request cannot be carried out, or empty. */
  static Optional<String> check(RestoreUserRequest request, long timestampMillis, long retentionMillis) {
    Optional<String> user = Validation.checkUser(request.getUser());
    if (user.isPresent()) {
      return user;
    }
    if (retentionMillis <= 0) {
      return Optional.of("versions are off in this cluster (versions.retention.seconds=0): there is nothing to "
          + "restore from; restore the user from a backup instead");
    }
    if (request.getAsOfMillis() > timestampMillis) {
      return Optional.of("the time to restore to is in the future");
    }
    if (request.getAsOfMillis() < timestampMillis - retentionMillis) {
      return Optional.of("the time to restore to is older than the versions kept (" + retentionMillis / 1000
          + " s); restore the user from a backup instead");
    }
    Optional<Cursor> cursor = Cursor.decode(request.getCursor(), StoreKeys.userPrefix(request.getUser()));
    return cursor.isPresent() || request.getCursor().isEmpty()
        ? Optional.empty()
        : Optional.of("the restore cursor is not one this user's restore returned");
  }

  /** Runs one step; the request must have passed {@link #check}. */
  static RestoreUserResult step(ObjectWrites writes, ColumnFamilies cf, RestoreUserRequest request)
      throws RocksDBException {
    return new UserRestore(writes, cf, request).run();
  }

  private RestoreUserResult run() throws RocksDBException {
    byte[] userPrefix = StoreKeys.userPrefix(request.getUser());
    Cursor cursor = request.getCursor().isEmpty()
        ? new Cursor(CURRENT_PASS, userPrefix)
        : Cursor.decode(request.getCursor(), userPrefix).orElseThrow();
    if (cursor.pass() == CURRENT_PASS) {
      Optional<Cursor> next = currentPass(cursor.after(), userPrefix);
      if (next.isPresent()) {
        return finish(next.get());
      }
      cursor = new Cursor(KEPT_PASS, userPrefix);
    }
    return finish(keptPass(cursor.after(), userPrefix).orElse(null));
  }

  private RestoreUserResult finish(Cursor next) {
    return next == null
        ? result.setDone(true).build()
        : result.setNextCursor(next.encode()).build();
  }

  /** Visits current objects after {@code after}; the cursor to go on from, or empty when the pass is done. */
  private Optional<Cursor> currentPass(byte[] after, byte[] userPrefix) throws RocksDBException {
    List<BatchReads.Entry> objects = writes.reads().scan(cf.meta(), after,
        key -> StoreKeys.startsWith(key, userPrefix), MAX_KEYS + 1);
    for (BatchReads.Entry object : objects) {
      if (Arrays.equals(object.key(), after)) {
        continue;
      }
      if (budgetSpent()) {
        return Optional.of(new Cursor(CURRENT_PASS, after));
      }
      visits++;
      restore(object.key());
      after = object.key();
    }
    return objects.size() > MAX_KEYS ? Optional.of(new Cursor(CURRENT_PASS, after)) : Optional.empty();
  }

  /**
   * Visits objects that have kept versions, from the version key {@code after} on, one object at a
   * time (an object's versions are skipped together once it is restored).
   */
  private Optional<Cursor> keptPass(byte[] after, byte[] userPrefix) throws RocksDBException {
    byte[] from = after;
    while (true) {
      BatchReads.Entry entry = firstAfter(from, userPrefix);
      if (entry == null) {
        return Optional.empty();
      }
      if (budgetSpent()) {
        return Optional.of(new Cursor(KEPT_PASS, from));
      }
      byte[] objectKey = StoreKeys.objectOfVersion(entry.key());
      visits++;
      if (writes.readMeta(objectKey) == null) {
        restore(objectKey); // objects that exist were restored in the first pass
      }
      from = StoreKeys.version(objectKey, -1L);
    }
  }

  /** The first kept version of the user strictly after {@code from}, or null. */
  private BatchReads.Entry firstAfter(byte[] from, byte[] userPrefix) throws RocksDBException {
    for (BatchReads.Entry e : writes.reads().scan(cf.versions(), from,
        key -> StoreKeys.startsWith(key, userPrefix), 2)) {
      if (!Arrays.equals(e.key(), from)) {
        return e;
      }
    }
    return null;
  }

  private boolean budgetSpent() {
    return visits >= MAX_KEYS || bytesCopied >= MAX_BYTES;
  }

  /** Puts one object back as it was at the requested time. */
  private void restore(byte[] objectKey) throws RocksDBException {
    result.setExamined(result.getExamined() + 1);
    long asOf = request.getAsOfMillis();
    ObjectMeta current = writes.readMeta(objectKey);
    if (current != null && current.getModifiedMillis() <= asOf) {
      result.setUnchanged(result.getUnchanged() + 1);
      return;
    }
    ObjectWrites.Kept then = writes.newestKept(objectKey, kept -> kept.getMeta().getModifiedMillis() <= asOf);
    String user = request.getUser();
    if (then == null || then.version().getDeleted()) {
      if (current == null) {
        result.setUnchanged(result.getUnchanged() + 1);
      } else if (then == null && current.getCreatedMillis() <= asOf) {
        result.setSkipped(result.getSkipped() + 1); // it existed then, but that version was not kept
      } else {
        result.setDeleted(result.getDeleted() + 1);
        if (!request.getDryRun()) {
          writes.delete(user, objectKey, current);
        }
      }
      return;
    }
    KeptVersion old = then.version();
    byte[] value = writes.readKeptValue(then);
    if (current != null && current.getSize() == old.getMeta().getSize()
        && current.getCrc32C() == old.getMeta().getCrc32C()
        && Arrays.equals(value, writes.readValue(objectKey, current))) {
      result.setUnchanged(result.getUnchanged() + 1);
      return;
    }
    result.setRestored(result.getRestored() + 1);
    bytesCopied += value.length;
    if (!request.getDryRun()) {
      writes.write(user, objectKey, old.getMeta().getKey(), value, old.getMeta().getCrc32C(), current,
          old.getMeta().getCreatedMillis());
    }
  }

  /** Where the next step starts: a pass and the last key it visited (exclusive). */
  private record Cursor(byte pass, byte[] after) {
    ByteString encode() {
      byte[] bytes = new byte[after.length + 1];
      bytes[0] = pass;
      System.arraycopy(after, 0, bytes, 1, after.length);
      return UnsafeByteOperations.unsafeWrap(bytes);
    }

    static Optional<Cursor> decode(ByteString encoded, byte[] userPrefix) {
      if (encoded.size() < 1 + userPrefix.length) {
        return Optional.empty();
      }
      byte pass = encoded.byteAt(0);
      byte[] after = encoded.substring(1).toByteArray();
      boolean valid = (pass == CURRENT_PASS || pass == KEPT_PASS) && StoreKeys.startsWith(after, userPrefix);
      return valid ? Optional.of(new Cursor(pass, after)) : Optional.empty();
    }
  }
}
