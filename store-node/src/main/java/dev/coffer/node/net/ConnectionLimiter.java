package dev.coffer.node.net;

import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a new connection, with one OVERLOADED reply, when the node already has as many client
 * connections as it allows or when file descriptors run short: storage and Raft need theirs, and
 * a node that cannot open a file must not be the price of a flood of idle connections.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);

  private final int maxConnections;
  private final int descriptorReserve;
  private final FileDescriptors descriptors;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();

  ConnectionLimiter(int maxConnections, int descriptorReserve, FileDescriptors descriptors) {
    this.maxConnections = maxConnections;
    this.descriptorReserve = descriptorReserve;
    this.descriptors = descriptors;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    int now = open.incrementAndGet();
    ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
    String refusal = now > maxConnections
        ? "this node already has " + maxConnections + " client connections, its limit"
        : descriptors.free() < descriptorReserve
            ? "this node is short of file descriptors (" + descriptors.free() + " free, " + descriptorReserve
                + " kept for storage)"
            : null;
    if (refusal == null) {
      super.channelActive(ctx);
      return;
    }
    ctx.channel().config().setAutoRead(false); // nothing from this connection reaches the node
    if (refused.incrementAndGet() % 1000 == 1) {
      LOG.warn("Refusing client connections: {} ({} refused so far)", refusal, refused.get());
    }
    Response reply = Response.newBuilder().setStatus(Status.OVERLOADED)
        .setErrorMessage(refusal + "; try again later or another node").build();
    ctx.writeAndFlush(frame(reply)).addListener(ChannelFutureListener.CLOSE);
  }

  private static ByteBuf frame(Response reply) {
    byte[] body = reply.toByteArray();
    return Unpooled.buffer(4 + body.length).writeInt(body.length).writeBytes(body);
  }

  int open() {
    return open.get();
  }

  long refused() {
    return refused.get();
  }
}
