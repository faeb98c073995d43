package dev.coffer.node.net;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnknownFieldSet;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Finds the request id (field 1) in the bytes of a request that could not be read as a whole,
 * so that even the error reply names the request it answers. 0 when it cannot be found.
 */
final class RequestIds {
  private static final int REQUEST_ID_TAG = 1 << 3; // field 1, varint

  private RequestIds() {
  }

  /** The id at the start of {@code length} readable bytes from {@code offset}, as a client writes it first. */
  static long fromPrefix(ByteBuf buf, int offset, int length) {
    if (length < 2) {
      return 0;
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(buf.nioBuffer(offset, length));
      return in.readTag() == REQUEST_ID_TAG ? in.readUInt64() : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The id anywhere in a whole frame whose other fields may be invalid. */
  static long fromFrame(ByteBuf body) {
    try {
      UnknownFieldSet fields = UnknownFieldSet.parseFrom(CodedInputStream.newInstance(body.nioBuffer()));
      UnknownFieldSet.Field id = fields.getField(1);
      return id.getVarintList().isEmpty() ? 0 : id.getVarintList().get(0);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
