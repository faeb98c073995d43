package dev.coffer.node.storage;

import static dev.coffer.node.storage.TestEntries.bytes;
import static dev.coffer.node.storage.TestEntries.writeId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.proto.WriteId;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ValidationTest {

  @Test
  void checkUser_acceptsAllowedCharactersUpTo128() {
    assertTrue(Validation.checkUser("alice.b_c-d@example.com09").isEmpty());
    assertTrue(Validation.checkUser("u".repeat(128)).isEmpty());
  }

  @Test
  void checkUser_rejectsEmptyTooLongAndBadCharacters() {
    assertEquals("user id is empty", Validation.checkUser("").orElseThrow());
    assertTrue(Validation.checkUser(null).isPresent());
    assertTrue(Validation.checkUser("u".repeat(129)).orElseThrow().contains("at most 128"));
    assertTrue(Validation.checkUser("a b").orElseThrow().contains("position 1"));
    assertTrue(Validation.checkUser("a\0b").isPresent());
    assertTrue(Validation.checkUser("a/b").isPresent());
    assertTrue(Validation.checkUser("é").isPresent());
  }

  @Test
  void checkKey_acceptsUtf8UpTo1024Bytes() {
    assertTrue(Validation.checkKey(bytes("photos/2024/ünïcödé €.jpg")).isEmpty());
    assertTrue(Validation.checkKey(bytes("k".repeat(1024))).isEmpty());
    // 512 two-byte characters: 1024 bytes although only 512 chars.
    assertTrue(Validation.checkKey(bytes("é".repeat(512))).isEmpty());
  }

  @Test
  void checkKey_rejectsEmptyTooLongAndInvalidUtf8() {
    assertEquals("key is empty", Validation.checkKey(ByteString.EMPTY).orElseThrow());
    assertTrue(Validation.checkKey(bytes("k".repeat(1025))).orElseThrow().contains("1025"));
    assertTrue(Validation.checkKey(bytes("é".repeat(513))).isPresent());
    assertEquals("key is not valid UTF-8",
        Validation.checkKey(ByteString.copyFrom(new byte[] {'a', (byte) 0xff})).orElseThrow());
    // An encoded surrogate (CESU-8) and a truncated sequence are not UTF-8 either.
    assertTrue(Validation.checkKey(
        ByteString.copyFrom(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).isPresent());
    assertTrue(Validation.checkKey(ByteString.copyFrom(new byte[] {(byte) 0xc3})).isPresent());
  }

  @Test
  void checkWriteId_emptyClientIdMeansUntracked() {
    assertTrue(Validation.checkWriteId(WriteId.getDefaultInstance()).isEmpty());
    assertTrue(Validation.checkWriteId(null).isEmpty());
  }

  @Test
  void checkWriteId_checksClientIdAndSequences() {
    assertTrue(Validation.checkWriteId(writeId("client-1:a.b_c", 5, 5)).isEmpty());
    assertTrue(Validation.checkWriteId(writeId("c".repeat(64), 1, 0)).isEmpty());
    assertTrue(Validation.checkWriteId(writeId("c".repeat(65), 1, 0)).isPresent());
    assertTrue(Validation.checkWriteId(writeId("bad@client", 1, 0)).isPresent());
    assertTrue(Validation.checkWriteId(writeId("c", 0, 0)).orElseThrow().contains("start at 1"));
    assertTrue(Validation.checkWriteId(writeId("c", 3, 4)).orElseThrow().contains("acked_below"));
  }

  @Test
  void crc32c_matchesJdkOverFlatAndRopeByteStrings() {
    byte[] data = "the quick brown fox jumps over the lazy dog ".repeat(50)
        .getBytes(StandardCharsets.UTF_8);
    CRC32C expected = new CRC32C();
    expected.update(data);
    // Pieces large enough that concat builds a rope of several buffers instead of copying.
    ByteString rope = ByteString.copyFrom(data, 0, 700).concat(ByteString.copyFrom(data, 700, 800))
        .concat(ByteString.copyFrom(data, 1500, data.length - 1500));
    assertTrue(rope.asReadOnlyByteBufferList().size() > 1);
    assertEquals((int) expected.getValue(), Validation.crc32c(ByteString.copyFrom(data)));
    assertEquals((int) expected.getValue(), Validation.crc32c(rope));
    // The standard CRC-32C check value of "123456789".
    assertEquals(0xe3069283, Validation.crc32c(bytes("123456789")));
    assertEquals(0, Validation.crc32c(ByteString.EMPTY));
  }
}
