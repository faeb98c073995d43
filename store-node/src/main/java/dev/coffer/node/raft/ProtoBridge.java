package dev.coffer.node.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/** Crosses between our protobuf and the copy Ratis ships shaded. */
public final class ProtoBridge {
  private ProtoBridge() {}

  public static Message toMessage(MessageLite message) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(message.toByteArray()));
  }

  public static <T> T parse(Parser<T> parser, ByteString bytes) throws InvalidProtocolBufferException {
    return parser.parseFrom(bytes.asReadOnlyByteBuffer());
  }
}
