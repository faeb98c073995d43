package dev.coffer.node.storage;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.coffer.proto.Command;
import dev.coffer.proto.DeleteRequest;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.RestoreUserRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a write asks for, reduced to 32 bytes: a SHA-256 over the operation, user, key, the
 * value's size and CRC32C, and the conditions ({@code if_absent}, {@code if_version}). Stored in
 * the write's session record, it tells a retry of that write (same fingerprint) from a different
 * request that reuses its write id (another fingerprint).
 *
 * <p>The write id is left out (it is the same by definition, and a retry may carry a newer
 * {@code acked_below}). The value enters through the CRC32C the request states and its size:
 * both are at hand without hashing a value of up to 16 MiB again on every replica, a request
 * whose value does not match its stated CRC32C changes nothing (CORRUPT_DATA), and two different
 * values would also need the same user, key, write id and size to be mistaken for each other.
 *
 * <p>The byte layout below is part of the stored state (replicas compare session records in
 * their digests): changing it needs a new version tag, and old records must stay readable.
 */
final class WriteFingerprint {

  /** Names the layout, so that a future one can never produce an equal digest by accident. */
  private static final byte[] LAYOUT_V1 = "coffer-write-fingerprint-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte PUT = 'P';
  private static final byte DELETE = 'D';
  private static final byte UNDELETE = 'U';
  private static final byte RESTORE_USER = 'R';
  private static final byte ACCESS = 'A';

  private WriteFingerprint() {}

  /** The fingerprint of a write; empty for a command that carries no write id. */
  static ByteString of(Command command) {
    switch (command.getOpCase()) {
      case PUT:
        return of(command.getPut());
      case DELETE:
        return of(command.getDelete());
      case UNDELETE:
        return UnsafeByteOperations.unsafeWrap(
            start(UNDELETE, command.getUndelete().getUser(), command.getUndelete().getKey()).digest());
      case RESTORE_USER:
        return of(command.getRestoreUser());
      case ACCESS: {
        MessageDigest sha256 = start(ACCESS, "", ByteString.EMPTY);
        sha256.update(command.getAccess().toBuilder().clearWriteId().build().toByteArray());
        return UnsafeByteOperations.unsafeWrap(sha256.digest());
      }
      default:
        return ByteString.EMPTY;
    }
  }

  static ByteString of(PutRequest put) {
    MessageDigest sha256 = start(PUT, put.getUser(), put.getKey());
    sha256.update(ByteBuffer.allocate(Long.BYTES + Integer.BYTES + 1 + Long.BYTES)
        .putLong(put.getValue().size())
        .putInt(put.getCrc32C())
        .put((byte) (put.getIfAbsent() ? 1 : 0))
        .putLong(put.getIfVersion())
        .array());
    return UnsafeByteOperations.unsafeWrap(sha256.digest());
  }

  static ByteString of(DeleteRequest delete) {
    MessageDigest sha256 = start(DELETE, delete.getUser(), delete.getKey());
    sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(delete.getIfVersion()).array());
    return UnsafeByteOperations.unsafeWrap(sha256.digest());
  }

  static ByteString of(RestoreUserRequest restore) {
    MessageDigest sha256 = start(RESTORE_USER, restore.getUser(), restore.getCursor());
    sha256.update(ByteBuffer.allocate(Long.BYTES + 1).putLong(restore.getAsOfMillis())
        .put((byte) (restore.getDryRun() ? 1 : 0)).array());
    return UnsafeByteOperations.unsafeWrap(sha256.digest());
  }

  /**
   * Whether a stored fingerprint matches a new request's. A record without one was written by a
   * node that predates fingerprints; it is taken as matching, which is how that node answered it.
   * Refusing it instead would fail a legitimate retry that straddles an upgrade with
   * WRITE_ID_REUSED although its write was applied; the records concerned are few and short-lived
   * (a client's acked_below drops them as soon as it has its answers).
   */
  static boolean matches(ByteString stored, ByteString requested) {
    return stored.isEmpty() || stored.equals(requested);
  }

  private static MessageDigest start(byte operation, String user, ByteString key) {
    MessageDigest sha256 = sha256();
    sha256.update(LAYOUT_V1);
    sha256.update(operation);
    // Length-prefixed, so that no (user, key) pair can run into another.
    framed(sha256, user.getBytes(StandardCharsets.UTF_8));
    framed(sha256, key.toByteArray());
    return sha256;
  }

  private static void framed(MessageDigest digest, byte[] bytes) {
    digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
