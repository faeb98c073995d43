package dev.coffer.node.storage;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.coffer.proto.AccessGrant;
import dev.coffer.proto.AccessPolicy;
import dev.coffer.proto.AccessRequest;
import dev.coffer.proto.AccessResult;
import dev.coffer.proto.Command;
import dev.coffer.proto.DeleteRequest;
import dev.coffer.proto.DeleteResult;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.PutResult;
import dev.coffer.proto.Response;
import dev.coffer.proto.SessionRecord;
import dev.coffer.proto.RestoreUserRequest;
import dev.coffer.proto.Status;
import dev.coffer.proto.UndeleteRequest;
import dev.coffer.proto.UndeleteResult;
import dev.coffer.proto.WriteId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * Applies the commands of one log entry into a write batch. Reads go through the batch first
 * ({@code getFromBatchAndDB}), so a command sees the effects of the earlier commands of the same
 * entry. Uses nothing but the entry (index, timestamp, commands) and the stored state: every
 * replica computes the same batch and the same responses.
 */
final class CommandApplier {
  private final ColumnFamilies cf;
  private final WriteBatchWithIndex batch;
  private final long index;
  private final long timestampMillis;
  private final BatchReads reads;
  private final ObjectWrites objects;
  private final boolean versionsStamped;
  private final ClientSessions sessions;
  private final Optional<Long> sessionExpiryMillis;
  private boolean accessChanged;

  /**
   * {@code retentionMillis}: how long the entry's superseded versions are kept; empty for an
   * entry from a node older than versions, which neither keeps nor forgets any.
   * {@code sessionExpiryMillis}: after how long without a write a client's session records are
   * forgotten; empty for an entry from a node older than that, which forgets none.
   */
  CommandApplier(RocksDB db, ColumnFamilies cf, WriteBatchWithIndex batch,
      ReadOptions readOptions, long index, long timestampMillis, Optional<Long> retentionMillis,
      Optional<Long> sessionExpiryMillis) {
    this.cf = cf;
    this.batch = batch;
    this.index = index;
    this.timestampMillis = timestampMillis;
    this.reads = new BatchReads(db, batch, readOptions);
    this.versionsStamped = retentionMillis.isPresent();
    this.objects = new ObjectWrites(reads, cf, batch, index, timestampMillis, retentionMillis.orElse(0L));
    this.sessionExpiryMillis = sessionExpiryMillis;
    this.sessions = new ClientSessions(reads, cf, batch, timestampMillis, sessionExpiryMillis.isPresent());
  }

  List<Response> applyAll(List<Command> commands) throws RocksDBException {
    if (versionsStamped) {
      VersionExpiry.run(objects, cf, batch);
    }
    if (sessionExpiryMillis.isPresent()) {
      sessions.expire(sessionExpiryMillis.get());
    }
    List<Response> responses = new ArrayList<>(commands.size());
    for (Command command : commands) {
      responses.add(applyOnce(command));
    }
    return responses;
  }

  /**
   * Exactly-once wrapper: a write id seen before gets its first response back, but only when the
   * command is the same request (equal {@link WriteFingerprint}). A different request under a
   * remembered write id, from a client that reused its id or sequence, is answered
   * WRITE_ID_REUSED and changes nothing: neither the object, nor the session record, nor the
   * client's older records (its acked_below is not acted on).
   */
  private Response applyOnce(Command command) throws RocksDBException {
    WriteId writeId = writeIdOf(command);
    Optional<String> badWriteId = Validation.checkWriteId(writeId);
    if (badWriteId.isPresent()) {
      return failure(Status.INVALID_ARGUMENT, badWriteId.get());
    }
    if (writeId.getClientId().isEmpty()) {
      return execute(command);
    }
    byte[] sessionKey = StoreKeys.session(writeId.getClientId(), writeId.getSequence());
    ByteString fingerprint = WriteFingerprint.of(command);
    byte[] seen = read(cf.sessions(), sessionKey);
    if (seen != null) {
      SessionRecord record = parse(SessionRecord.parser(), seen, "session record");
      return WriteFingerprint.matches(record.getRequestFingerprint(), fingerprint)
          ? record.getResponse()
          : writeIdReused(writeId);
    }
    Response response = execute(command);
    SessionRecord record = SessionRecord.newBuilder()
        .setResponse(response)
        .setTimestampMillis(timestampMillis)
        .setRequestFingerprint(fingerprint)
        .build();
    batch.put(cf.sessions(), sessionKey, record.toByteArray());
    sessions.wrote(writeId.getClientId(), writeId.getAckedBelow());
    return response;
  }

  /** The answer to a request that reuses another request's write id. Names nothing of the other. */
  private static Response writeIdReused(WriteId writeId) {
    return failure(Status.WRITE_ID_REUSED, "write id (client id " + writeId.getClientId()
        + ", sequence " + Long.toUnsignedString(writeId.getSequence())
        + ") was already used for a different request; nothing was done. Every write needs its own"
        + " sequence, and every client instance its own random client id");
  }

  private Response execute(Command command) throws RocksDBException {
    switch (command.getOpCase()) {
      case PUT:
        return put(command.getPut());
      case DELETE:
        return delete(command.getDelete());
      case UNDELETE:
        return undelete(command.getUndelete());
      case RESTORE_USER:
        return restoreUser(command.getRestoreUser());
      case ACCESS:
        return access(command.getAccess());
      case DIGEST_MARKER:
        return Response.newBuilder().setStatus(Status.OK).setAppliedIndex(index).build();
      default:
        return failure(Status.UNKNOWN_OPERATION, "the command names no known operation");
    }
  }

  private Response put(PutRequest put) throws RocksDBException {
    Optional<String> invalid = Validation.checkPut(put);
    if (invalid.isPresent()) {
      return failure(Status.INVALID_ARGUMENT, invalid.get());
    }
    int actualCrc = Validation.crc32c(put.getValue());
    if (actualCrc != put.getCrc32C()) {
      return failure(Status.CORRUPT_DATA, String.format(
          "value checksum mismatch: request says crc32c %08x, value has %08x",
          put.getCrc32C(), actualCrc));
    }
    byte[] objectKey = StoreKeys.object(put.getUser(), put.getKey());
    ObjectMeta current = readMeta(objectKey);
    if (put.getIfAbsent() && current != null) {
      return failure(Status.VERSION_CONFLICT,
          "key already exists (version " + current.getVersion() + ")");
    }
    Optional<String> conflict = versionConflict(put.getIfVersion(), current);
    if (conflict.isPresent()) {
      return failure(Status.VERSION_CONFLICT, conflict.get());
    }
    ObjectMeta meta = objects.write(put.getUser(), objectKey, put.getKey(), put.getValue().toByteArray(),
        actualCrc, current, current != null ? current.getCreatedMillis() : timestampMillis);
    return Response.newBuilder().setStatus(Status.OK)
        .setPut(PutResult.newBuilder().setMeta(meta)).build();
  }

  private Response delete(DeleteRequest delete) throws RocksDBException {
    Optional<String> invalid = Validation.checkDelete(delete);
    if (invalid.isPresent()) {
      return failure(Status.INVALID_ARGUMENT, invalid.get());
    }
    byte[] objectKey = StoreKeys.object(delete.getUser(), delete.getKey());
    ObjectMeta current = readMeta(objectKey);
    Optional<String> conflict = versionConflict(delete.getIfVersion(), current);
    if (conflict.isPresent()) {
      return failure(Status.VERSION_CONFLICT, conflict.get());
    }
    if (current == null) {
      return Response.newBuilder().setStatus(Status.OK)
          .setDelete(DeleteResult.newBuilder().setExisted(false)).build();
    }
    objects.delete(delete.getUser(), objectKey, current);
    return Response.newBuilder().setStatus(Status.OK)
        .setDelete(DeleteResult.newBuilder().setExisted(true).setVersion(index)).build();
  }

  /** Brings back the newest kept version of a deleted object, as a new version. */
  private Response undelete(UndeleteRequest undelete) throws RocksDBException {
    Optional<String> invalid = Validation.checkUser(undelete.getUser())
        .or(() -> Validation.checkKey(undelete.getKey()));
    if (invalid.isPresent()) {
      return failure(Status.INVALID_ARGUMENT, invalid.get());
    }
    byte[] objectKey = StoreKeys.object(undelete.getUser(), undelete.getKey());
    ObjectMeta current = readMeta(objectKey);
    if (current != null) {
      return failure(Status.VERSION_CONFLICT, "the key exists (version " + current.getVersion()
          + "); there is nothing to undelete. Use get --version to read an earlier version");
    }
    ObjectWrites.Kept kept = objects.newestKept(objectKey, version -> !version.getDeleted());
    if (kept == null) {
      return failure(Status.NOT_FOUND, "no earlier version of this key is kept");
    }
    ObjectMeta old = kept.version().getMeta();
    ObjectMeta meta = objects.write(undelete.getUser(), objectKey, undelete.getKey(),
        objects.readKeptValue(kept), old.getCrc32C(), null, old.getCreatedMillis());
    return Response.newBuilder().setStatus(Status.OK).setUndelete(UndeleteResult.newBuilder()
        .setMeta(meta).setRestoredVersion(old.getVersion())).build();
  }

  private Response restoreUser(RestoreUserRequest restore) throws RocksDBException {
    Optional<String> invalid = UserRestore.check(restore, timestampMillis, objects.retentionMillis());
    if (invalid.isPresent()) {
      return failure(Status.INVALID_ARGUMENT, invalid.get());
    }
    return Response.newBuilder().setStatus(Status.OK)
        .setRestoreUser(UserRestore.step(objects, cf, restore)).build();
  }

  private Response access(AccessRequest request) throws RocksDBException {
    byte[] stored = reads.get(cf.defaults(), StoreKeys.ACCESS_POLICY);
    AccessPolicy policy = stored == null ? AccessPolicy.getDefaultInstance()
        : parse(AccessPolicy.parser(), stored, "access policy");
    AccessGrant change = request.hasGrant() ? request.getGrant() : request.getRevoke();
    if (request.hasGrant() || request.hasRevoke()) {
      Optional<String> invalid = AccessPolicies.check(change);
      if (invalid.isPresent()) {
        return failure(Status.INVALID_ARGUMENT, invalid.get());
      }
      policy = request.hasGrant() ? AccessPolicies.grant(policy, change) : AccessPolicies.revoke(policy, change);
      batch.put(cf.defaults(), StoreKeys.ACCESS_POLICY, policy.toByteArray());
      accessChanged = true;
    }
    return Response.newBuilder().setStatus(Status.OK).setAccess(AccessResult.newBuilder().setPolicy(policy)).build();
  }

  /** Whether a command of this entry changed the access policy. */
  boolean accessChanged() {
    return accessChanged;
  }

  /** The if_version condition: 0 means none; otherwise the key must exist at that version. */
  private static Optional<String> versionConflict(long ifVersion, ObjectMeta current) {
    if (ifVersion == 0) {
      return Optional.empty();
    }
    if (current == null) {
      return Optional.of("expected version " + Long.toUnsignedString(ifVersion)
          + " but the key does not exist");
    }
    if (current.getVersion() != ifVersion) {
      return Optional.of("expected version " + Long.toUnsignedString(ifVersion)
          + " but the current version is " + Long.toUnsignedString(current.getVersion()));
    }
    return Optional.empty();
  }

  private ObjectMeta readMeta(byte[] objectKey) throws RocksDBException {
    return objects.readMeta(objectKey);
  }

  private byte[] read(ColumnFamilyHandle family, byte[] key) throws RocksDBException {
    return reads.get(family, key);
  }

  private static WriteId writeIdOf(Command command) {
    switch (command.getOpCase()) {
      case PUT:
        return command.getPut().getWriteId();
      case DELETE:
        return command.getDelete().getWriteId();
      case UNDELETE:
        return command.getUndelete().getWriteId();
      case RESTORE_USER:
        return command.getRestoreUser().getWriteId();
      case ACCESS:
        return command.getAccess().getWriteId();
      default:
        return WriteId.getDefaultInstance();
    }
  }

  private static Response failure(Status status, String message) {
    return Response.newBuilder().setStatus(status).setErrorMessage(message).build();
  }

  static <T> T parse(Parser<T> parser, byte[] stored, String what) {
    try {
      return parser.parseFrom(stored);
    } catch (InvalidProtocolBufferException e) {
      throw new StorageException("stored " + what + " is unreadable: " + e.getMessage(), e);
    }
  }
}
