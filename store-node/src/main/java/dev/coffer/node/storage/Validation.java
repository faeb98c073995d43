package dev.coffer.node.storage;

import com.google.protobuf.ByteString;
import dev.coffer.proto.DeleteRequest;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.WriteId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Input rules of the data model, shared by the network front door (before a write is proposed)
 * and by {@link BlobStore#apply} (which re-checks every command it applies).
 *
 * <p>Style: every {@code check...} method returns the reason the input is invalid, or an empty
 * Optional when it is valid. None of them throws for bad input; the message is meant for the
 * client and never echoes more than a short excerpt of what it got.
 *
 * <p>Size limits on values are node configuration and deliberately not checked here, so that
 * apply stays deterministic.
 */
public final class Validation {

  public static final int MAX_USER_LENGTH = 128;
  public static final int MAX_KEY_BYTES = 1024;
  public static final int MAX_CLIENT_ID_LENGTH = 64;

  private Validation() {}

  /** A user id is 1–128 characters of {@code [A-Za-z0-9._@-]} (so 1–128 bytes). */
  public static Optional<String> checkUser(String user) {
    if (user == null || user.isEmpty()) {
      return Optional.of("user id is empty");
    }
    if (user.length() > MAX_USER_LENGTH) {
      return Optional.of("user id is " + user.length() + " characters long, at most "
          + MAX_USER_LENGTH + " allowed");
    }
    return badCharacter("user id", user, "[A-Za-z0-9._@-]", "._@-");
  }

  /** A key is 1–1024 bytes of valid UTF-8. */
  public static Optional<String> checkKey(ByteString key) {
    if (key == null || key.isEmpty()) {
      return Optional.of("key is empty");
    }
    if (key.size() > MAX_KEY_BYTES) {
      return Optional.of("key is " + key.size() + " bytes long, at most " + MAX_KEY_BYTES
          + " allowed");
    }
    try {
      // A fresh decoder per call: CharsetDecoder is not thread-safe.
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(key.asReadOnlyByteBuffer());
      return Optional.empty();
    } catch (CharacterCodingException e) {
      return Optional.of("key is not valid UTF-8");
    }
  }

  /**
   * A write id with an empty client id means "no exactly-once tracking" and is valid. Otherwise
   * the client id is 1–64 characters of {@code [A-Za-z0-9._:-]}, the sequence starts at 1, and
   * {@code acked_below} may not exceed the sequence (the write being sent is not answered yet).
   */
  public static Optional<String> checkWriteId(WriteId writeId) {
    if (writeId == null || writeId.getClientId().isEmpty()) {
      return Optional.empty();
    }
    String clientId = writeId.getClientId();
    if (clientId.length() > MAX_CLIENT_ID_LENGTH) {
      return Optional.of("client id is " + clientId.length() + " characters long, at most "
          + MAX_CLIENT_ID_LENGTH + " allowed");
    }
    Optional<String> bad = badCharacter("client id", clientId, "[A-Za-z0-9._:-]", "._:-");
    if (bad.isPresent()) {
      return bad;
    }
    if (writeId.getSequence() == 0) {
      return Optional.of("write sequence must start at 1");
    }
    if (Long.compareUnsigned(writeId.getAckedBelow(), writeId.getSequence()) > 0) {
      return Optional.of("acked_below " + Long.toUnsignedString(writeId.getAckedBelow())
          + " is above the write's own sequence " + Long.toUnsignedString(writeId.getSequence()));
    }
    return Optional.empty();
  }

  /** User, key and write id of a put; the checksum is checked separately (another status). */
  public static Optional<String> checkPut(PutRequest put) {
    return firstError(checkUser(put.getUser()), checkKey(put.getKey()),
        checkWriteId(put.getWriteId()));
  }

  /** User, key and write id of a delete. */
  public static Optional<String> checkDelete(DeleteRequest delete) {
    return firstError(checkUser(delete.getUser()), checkKey(delete.getKey()),
        checkWriteId(delete.getWriteId()));
  }

  /** CRC32C of the value, as the client computes it, without copying the value. */
  public static int crc32c(ByteString value) {
    CRC32C crc = new CRC32C();
    for (ByteBuffer buffer : value.asReadOnlyByteBufferList()) {
      crc.update(buffer);
    }
    return (int) crc.getValue();
  }

  @SafeVarargs
  private static Optional<String> firstError(Optional<String>... checks) {
    for (Optional<String> check : checks) {
      if (check.isPresent()) {
        return check;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> badCharacter(String what, String text, String allowed,
      String punctuation) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || punctuation.indexOf(c) >= 0;
      if (!ok) {
        return Optional.of(what + " has a character outside " + allowed + " at position " + i);
      }
    }
    return Optional.empty();
  }
}
