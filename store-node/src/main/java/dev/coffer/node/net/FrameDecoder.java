package dev.coffer.node.net;

import dev.coffer.proto.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the stream into frames (a 4-byte big-endian length, then the body) and admits each
 * frame only once its length is reserved in the {@link ConnectionBudget}: until then the
 * connection is not read, so the client waits instead of the node running out of memory.
 *
 * <p>A frame above the size limit is answered VALUE_TOO_LARGE at once and its body is skipped as
 * it arrives, never buffered; the connection stays usable. A length with its top bit set is no
 * frame at all: MALFORMED_FRAME, and the connection is closed. A frame, admitted or skipped, must
 * arrive within {@link ClientLimits#frameDeadline}, or the connection is closed (a client that
 * sends a byte now and then cannot hold the node's memory for long).
 */
final class FrameDecoder extends ByteToMessageDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);
  private static final int HEADER = 4;
  /** Bytes that hold a request id written first: a tag and a varint of up to 10 bytes. */
  private static final int REQUEST_ID_PREFIX = 11;

  private final ClientLimits limits;
  private final ConnectionBudget budget;
  private ChannelHandlerContext ctx;
  private long admitted = -1; // body length reserved for the frame being read, or -1
  private ByteBuf body;       // the admitted frame's body, filled as it arrives
  private long skipping;      // bytes of a refused frame still to skip
  private long frames;        // frames started, to tell a deadline which frame it is for
  private volatile boolean waiting; // registered to retry once budget is released
  private boolean awaitingId;  // an oversized frame's header is read; waiting for its request id
  private boolean broken;     // the stream cannot be followed any more

  FrameDecoder(ClientLimits limits, ConnectionBudget budget) {
    this.limits = limits;
    this.budget = budget;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    budget.onRelease(this::retryIfWaiting);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (broken) {
      in.skipBytes(in.readableBytes());
    } else if (skipping > 0) {
      int n = (int) Math.min(skipping, in.readableBytes());
      in.skipBytes(n);
      skipping -= n;
    } else if (body != null) {
      fillBody(in, out);
    } else if (in.readableBytes() >= HEADER) {
      startFrame(in, out);
    }
  }

  private void startFrame(ByteBuf in, List<Object> out) {
    long length = in.getUnsignedInt(in.readerIndex());
    if (length > Integer.MAX_VALUE) {
      broken = true;
      in.skipBytes(in.readableBytes());
      out.add(new Inbound.Rejected(0, Status.MALFORMED_FRAME, "frame length " + length
          + " has its top bit set: the stream is not in step with the protocol", true));
      return;
    }
    if (length > limits.maxFrameBytes()) {
      // Wait for the request id (the body's first field) so that the refusal can name it.
      int prefix = in.readableBytes() - HEADER;
      if (prefix < REQUEST_ID_PREFIX) {
        if (!awaitingId) {
          awaitingId = true;
          startDeadline(length);
        }
        return;
      }
      long requestId = RequestIds.fromPrefix(in, in.readerIndex() + HEADER, prefix);
      in.skipBytes(HEADER);
      skipping = length;
      if (!awaitingId) {
        startDeadline(length);
      }
      awaitingId = false;
      out.add(new Inbound.Rejected(requestId, Status.VALUE_TOO_LARGE, "request of " + length
          + " bytes exceeds this node's limit of " + limits.maxFrameBytes()
          + " bytes (max.value.bytes + 64 KiB); nothing was stored", false));
      return;
    }
    if (!budget.tryReserve(length)) {
      waitForBudget(length);
      return;
    }
    in.skipBytes(HEADER);
    admitted = length;
    // The body goes straight into a buffer of its exact size, on the heap the budget accounts for:
    // never into Netty's growing accumulation buffer (direct memory, copied as it doubles).
    body = Unpooled.wrappedBuffer(new byte[(int) length]).clear();
    frames++;
    fillBody(in, out);
    if (body != null) {
      startDeadline(length); // only a frame that spans reads needs one: most arrive whole
    }
  }

  private void fillBody(ByteBuf in, List<Object> out) {
    in.readBytes(body, Math.min(in.readableBytes(), body.writableBytes()));
    if (!body.isWritable()) {
      out.add(new Inbound.Frame(body, (int) admitted));
      body = null;
      admitted = -1;
    }
  }

  /** Stops reading until this connection or the node releases bytes, then tries the frame again. */
  private void waitForBudget(long length) {
    budget.pause(ConnectionBudget.WAITING_FOR_BUDGET);
    if (waiting) {
      return;
    }
    waiting = true;
    if (budget.connectionHasRoomFor(length)) {
      budget.node().whenRoom(length, limits.ceilingFor(length), this::retryIfWaiting);
    } // else this connection's own replies or requests will release bytes: see handlerAdded
  }

  private void retryIfWaiting() {
    if (!waiting) {
      return;
    }
    ctx.executor().execute(() -> {
      if (!waiting || !ctx.channel().isActive()) {
        return;
      }
      waiting = false;
      budget.resume(ConnectionBudget.WAITING_FOR_BUDGET);
      try {
        channelRead(ctx, Unpooled.EMPTY_BUFFER); // decode what is already buffered
      } catch (Exception e) {
        ctx.fireExceptionCaught(e);
      }
    });
  }

  private void startDeadline(long length) {
    long frame = ++frames;
    Duration deadline = limits.frameDeadline(length);
    ctx.executor().schedule(() -> {
      if (frames == frame && (admitted >= 0 || skipping > 0 || awaitingId) && ctx.channel().isActive()) {
        LOG.info("Closing connection from {}: a frame of {} bytes did not arrive within {} s",
            ctx.channel().remoteAddress(), length, deadline.toSeconds());
        ctx.close();
      }
    }, deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Netty's decoder asks for another read when a read produced no frame even though reading is
   * off; while a frame waits for budget that would pile the client's bytes up in memory.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (waiting) {
      ctx.fireChannelReadComplete();
    } else {
      super.channelReadComplete(ctx);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseAdmitted();
    super.channelInactive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseAdmitted();
  }

  private void releaseAdmitted() {
    if (admitted >= 0) {
      budget.release(admitted);
      admitted = -1;
    }
    if (body != null) {
      body.release();
      body = null;
    }
    waiting = false;
  }
}
