package dev.coffer.node.net;

import dev.coffer.proto.Status;
import io.netty.buffer.ByteBuf;

/** What the frame decoder hands on: a whole request frame, or a frame it refused. */
sealed interface Inbound {
  /** A request frame's body; {@code length} bytes of the connection's budget are reserved for it. */
  record Frame(ByteBuf body, int length) implements Inbound {}

  /** A frame refused before it was read; {@code close} when the stream can no longer be followed. */
  record Rejected(long requestId, Status status, String reason, boolean close) implements Inbound {}
}
