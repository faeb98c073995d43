package dev.coffer.node.raft;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs the one kind of Raft log damage a power cut leaves behind by itself: the last entry of
 * the open segment half written (its first page on disk, the rest still the zeros Ratis
 * preallocated), with nothing written after it. Ratis 3.3.0 accepts a partial last entry only when
 * the file ends inside it, so it reads those zeros as a checksum and refuses to start
 * (corruption policy EXCEPTION, which Coffer keeps for real damage). Such an entry was never
 * fsynced, so never acknowledged by this node: it is zeroed out, which Ratis reads as the end of
 * the segment, and the leader sends it again. Damage followed by anything written is left alone.
 *
 * <p>Segment format (Ratis's {@code SegmentedRaftLogFormat}): "RaftLog1", then per entry a varint32
 * length, the entry, and a CRC32C of varint and entry; a zero byte where an entry would start ends
 * the segment.
 */
final class TornLogTail {
  private static final Logger LOG = LoggerFactory.getLogger(TornLogTail.class);
  private static final int HEADER = 8;
  private static final String OPEN_SEGMENT = "log_inprogress_";

  private TornLogTail() {
  }

  /** Repairs every open segment under {@code raftDir}; returns how many entries were zeroed. */
  static int repair(Path raftDir) throws IOException {
    if (!Files.isDirectory(raftDir)) {
      return 0;
    }
    List<Path> open;
    try (Stream<Path> walk = Files.walk(raftDir)) {
      open = walk.filter(p -> p.getFileName().toString().startsWith(OPEN_SEGMENT)).toList();
    }
    int repaired = 0;
    for (Path segment : open) {
      repaired += repairSegment(segment) ? 1 : 0;
    }
    return repaired;
  }

  static boolean repairSegment(Path segment) throws IOException {
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      if (size <= HEADER || size > Integer.MAX_VALUE) {
        return false;
      }
      MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      int pos = HEADER;
      while (pos < size && bytes.get(pos) != 0) {
        int end = endOfValidEntry(bytes, pos);
        if (end > 0) {
          pos = end;
          continue;
        }
        int tornEnd = declaredEnd(bytes, pos);
        if (tornEnd < 0 || !zerosFrom(bytes, tornEnd)) {
          return false; // damage with something written after it: not a torn tail, Ratis decides
        }
        LOG.warn("Raft log {}: the entry at byte {} was half written when the node stopped (never fsynced, "
            + "never acknowledged): zeroing it so the log ends before it", segment, pos);
        channel.write(ByteBuffer.allocate(tornEnd - pos), pos);
        channel.force(true);
        return true;
      }
      return false;
    }
  }

  /** The end of the entry at {@code pos} if it is whole and its checksum matches, else -1. */
  private static int endOfValidEntry(ByteBuffer bytes, int pos) {
    int end = declaredEnd(bytes, pos);
    if (end < 0) {
      return -1;
    }
    int bodyEnd = end - Integer.BYTES;
    CRC32C crc = new CRC32C();
    crc.update(bytes.duplicate().position(pos).limit(bodyEnd));
    return (int) crc.getValue() == bytes.getInt(bodyEnd) ? end : -1;
  }

  /** Where the entry at {@code pos} ends by its length field (checksum included); -1 if past the file. */
  private static int declaredEnd(ByteBuffer bytes, int pos) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes.duplicate().position(pos));
      long length = in.readRawVarint32() & 0xffffffffL;
      long end = pos + in.getTotalBytesRead() + length + Integer.BYTES;
      return end <= bytes.limit() ? (int) end : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static boolean zerosFrom(ByteBuffer bytes, int from) {
    for (int i = from; i < bytes.limit(); i++) {
      if (bytes.get(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
