package dev.coffer.node.net;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.node.storage.Validation;
import dev.coffer.proto.Request;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One fuzz input of {@link FrameFuzzTest}: a control byte, then the bytes a client sends. The
 * corpus files under {@code FrameFuzzTestInputs/} have this layout (see {@link FrameCorpus}).
 *
 * <p>The control byte's bits:
 *
 * <ul>
 *   <li>{@link #FRAGMENTS} (0x03): how the bytes are cut into reads: 0 all at once, 1 one byte at
 *       a time, 2 pieces of 1–16 bytes, 3 pieces of 1–1024 bytes (sizes drawn from a generator
 *       seeded by the input, so an input always replays the same way);
 *   <li>{@link #AUTO_FRAME} (0x04): the rest is a list of {@code [u16 length][body]}; the harness
 *       writes each body as a well-formed frame (4-byte length) and, where a body is a put,
 *       corrects its CRC32C, so that mutations explore requests rather than framing;
 *   <li>{@link #NODE_LIMITS} (0x08, decoder test): the node's frame limit (max.value.bytes 1024 +
 *       64 KiB) instead of a small one of 1024 bytes;
 *   <li>{@link #PRESSURE} (0x30, decoder test): other connections hold the node's byte budget:
 *       1 and 3 until half the bytes are in, 2 until after the connection is closed;
 *   <li>{@link #DEADLINE} (0x40, decoder test): at the end, time runs past the frame deadline;
 *   <li>{@link #CLOSE_EARLY} (0x80): decoder test: the channel is closed halfway; node test: the
 *       client drops the connection (RST) right after sending, without reading a reply.
 * </ul>
 */
record FuzzInput(int control, byte[] wire) {
  static final int FRAGMENTS = 0x03;
  static final int AUTO_FRAME = 0x04;
  static final int NODE_LIMITS = 0x08;
  static final int PRESSURE = 0x30;
  static final int DEADLINE = 0x40;
  static final int CLOSE_EARLY = 0x80;

  static FuzzInput of(byte[] data) {
    if (data.length == 0) {
      return new FuzzInput(0, data);
    }
    int control = data[0] & 0xff;
    byte[] rest = Arrays.copyOfRange(data, 1, data.length);
    return new FuzzInput(control, (control & AUTO_FRAME) != 0 ? autoFrame(rest) : rest);
  }

  boolean has(int bit) {
    return (control & bit) != 0;
  }

  int pressure() {
    return (control & PRESSURE) >> 4;
  }

  /** The wire bytes cut into reads (or writes), at most {@code maxPieces} of them. */
  List<byte[]> fragments(int maxPieces) {
    List<byte[]> pieces = new ArrayList<>();
    if (wire.length == 0) {
      return pieces;
    }
    int mode = control & FRAGMENTS;
    int floor = Math.max(1, (wire.length + maxPieces - 1) / maxPieces);
    if (mode == 0) {
      pieces.add(wire);
      return pieces;
    }
    SplittableRandom random = new SplittableRandom(control * 0x9E3779B97F4A7C15L ^ wire.length);
    for (int pos = 0; pos < wire.length; ) {
      int size = switch (mode) {
        case 1 -> 1;
        case 2 -> 1 + random.nextInt(16);
        default -> 1 + random.nextInt(1024);
      };
      size = Math.min(Math.max(size, floor), wire.length - pos);
      pieces.add(Arrays.copyOfRange(wire, pos, pos + size));
      pos += size;
    }
    return pieces;
  }

  /** {@code [u16 length][body]}... as well-formed frames; a short last length runs to the end. */
  static byte[] autoFrame(byte[] rest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rest.length + 16);
    int pos = 0;
    while (pos < rest.length) {
      int length;
      if (pos + 2 <= rest.length) {
        length = (rest[pos] & 0xff) << 8 | rest[pos + 1] & 0xff;
        pos += 2;
      } else {
        length = rest[pos] & 0xff;
        pos += 1;
      }
      length = Math.min(length, rest.length - pos);
      byte[] body = fixChecksum(Arrays.copyOfRange(rest, pos, pos + length));
      pos += length;
      out.write(body.length >>> 24);
      out.write(body.length >>> 16);
      out.write(body.length >>> 8);
      out.write(body.length);
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** A put whose CRC32C does not match its value gets the right one; any other body is kept. */
  private static byte[] fixChecksum(byte[] body) {
    try {
      Request request = Request.parseFrom(body);
      if (request.getOpCase() != Request.OpCase.PUT) {
        return body;
      }
      int crc = Validation.crc32c(request.getPut().getValue());
      if (crc == request.getPut().getCrc32C()) {
        return body;
      }
      return request.toBuilder().setPut(request.getPut().toBuilder().setCrc32C(crc)).build().toByteArray();
    } catch (InvalidProtocolBufferException e) {
      return body;
    }
  }
}
