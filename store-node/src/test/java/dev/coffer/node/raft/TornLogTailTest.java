package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open Raft log segments written the way Ratis writes them, damaged the way a power cut does. */
class TornLogTailTest {
  private static final int PREALLOCATED = 64 << 10;

  @TempDir
  Path dir;

  private static byte[] entry(int size, byte fill) throws IOException {
    byte[] body = new byte[size];
    Arrays.fill(body, fill);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.writeUInt32NoTag(size);
    coded.writeRawBytes(body);
    coded.flush();
    CRC32C crc = new CRC32C();
    crc.update(out.toByteArray());
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    return out.toByteArray();
  }

  private Path segment(byte[]... entries) throws IOException {
    ByteBuffer file = ByteBuffer.allocate(PREALLOCATED).put("RaftLog1".getBytes(StandardCharsets.UTF_8));
    for (byte[] e : entries) {
      file.put(e);
    }
    Path p = Files.createDirectories(dir.resolve("group/current")).resolve("log_inprogress_1");
    Files.write(p, file.array());
    return p;
  }

  @Test
  void repair_lastEntryTornAfterItsFirstPage_zeroedAndTheRestKept() throws IOException {
    byte[] first = entry(100, (byte) 1);
    byte[] torn = entry(10_000, (byte) 2);
    Arrays.fill(torn, 4096, torn.length, (byte) 0); // only the first page reached the disk
    Path p = segment(first, torn);
    assertEquals(1, TornLogTail.repair(dir));
    byte[] after = Files.readAllBytes(p);
    assertArrayEquals(first, Arrays.copyOfRange(after, 8, 8 + first.length), "whole entries are kept");
    assertTrue(allZero(after, 8 + first.length), "the torn entry reads as the end of the segment");
    assertEquals(PREALLOCATED, after.length);
  }

  @Test
  void repair_damagedEntryWithAWholeOneAfterIt_leftForRatisToRefuse() throws IOException {
    byte[] damaged = entry(100, (byte) 1);
    damaged[50] ^= 1;
    Path p = segment(damaged, entry(100, (byte) 3));
    byte[] before = Files.readAllBytes(p);
    assertEquals(0, TornLogTail.repair(dir));
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  void repair_intactSegment_untouched() throws IOException {
    Path p = segment(entry(100, (byte) 1), entry(5000, (byte) 2));
    byte[] before = Files.readAllBytes(p);
    assertFalse(TornLogTail.repairSegment(p));
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  private static boolean allZero(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
