package dev.coffer.node.net;

import dev.coffer.node.tls.TlsRefusals;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each request to the processor and writes the answer when it is ready; many requests may
 * be in flight per connection, answered in any order. Every request and reply is held against
 * the connection's {@link ConnectionBudget} until its reply has been written. A frame that is not
 * a valid request gets one error reply naming its request id where it can be found; the
 * connection stays open when only a field's content was wrong (bad UTF-8), and is closed when the
 * frame could not be read at all.
 */
final class ClientRequestHandler extends SimpleChannelInboundHandler<Inbound> {
  private static final Logger LOG = LoggerFactory.getLogger(ClientRequestHandler.class);
  private static final int LENGTH_PREFIX = 4;

  private final RequestProcessor processor;
  private final ConnectionBudget budget;
  private boolean closing; // an error reply that ends the connection is on its way: serve nothing more

  ClientRequestHandler(RequestProcessor processor, ConnectionBudget budget) {
    this.processor = processor;
    this.budget = budget;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Inbound inbound) {
    if (closing) {
      if (inbound instanceof Inbound.Frame frame) { // read with the bad one, before the close
        frame.body().release();
        budget.release(frame.length());
      }
    } else if (inbound instanceof Inbound.Frame frame) {
      handle(ctx, frame);
    } else if (inbound instanceof Inbound.Rejected r) {
      LOG.info("Refused a frame from {}: {}", ctx.channel().remoteAddress(), r.reason());
      closing = r.close();
      reply(ctx, error(r.requestId(), r.status(), r.reason()), r.close());
    }
  }

  private void handle(ChannelHandlerContext ctx, Inbound.Frame frame) {
    Request request;
    try {
      request = Request.parseFrom(frame.body().nioBuffer());
    } catch (InvalidProtocolBufferException e) {
      refuseUnreadable(ctx, frame, e);
      return;
    } finally {
      frame.body().release();
    }
    budget.requestStarted();
    processor.process(request, budget).whenComplete((response, error) -> {
      Response reply = error == null ? response : error(request.getRequestId(), Status.INTERNAL,
          "internal error: " + error);
      budget.release(frame.length());
      reply(ctx, reply, false);
      ctx.executor().execute(budget::requestAnswered);
    });
  }

  private void refuseUnreadable(ChannelHandlerContext ctx, Inbound.Frame frame, InvalidProtocolBufferException e) {
    long requestId = RequestIds.fromFrame(frame.body());
    budget.release(frame.length());
    boolean badText = String.valueOf(e.getMessage()).contains("invalid UTF-8");
    if (badText) {
      reply(ctx, error(requestId, Status.INVALID_ARGUMENT, "a text field (user id?) is not valid UTF-8"), false);
    } else {
      String reason = "frame is not a valid request: " + e.getMessage();
      LOG.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
      closing = true;
      reply(ctx, error(requestId, Status.MALFORMED_FRAME, reason), true);
    }
  }

  /** Writes a reply, holding its bytes against the budget until they are on the socket. */
  private void reply(ChannelHandlerContext ctx, Response reply, boolean thenClose) {
    int bytes = reply.getSerializedSize() + LENGTH_PREFIX;
    budget.chargeReply(bytes);
    ctx.writeAndFlush(reply).addListener(written -> {
      budget.release(bytes);
      if (thenClose) {
        ctx.close();
      }
    });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    budget.closed();
    super.channelInactive(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    // A client that does not read its replies is not read either.
    if (ctx.channel().isWritable()) {
      budget.resume(ConnectionBudget.NOT_WRITABLE);
    } else {
      budget.pause(ConnectionBudget.NOT_WRITABLE);
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent && budget.requestsInFlight() == 0) {
      LOG.debug("Closing idle connection from {}", ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (TlsRefusals.handled("client", ctx.channel().remoteAddress(), cause)) {
      ctx.close();
      return;
    }
    if (cause instanceof IOException) {
      LOG.debug("Connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      LOG.error("Unexpected error on connection from {}", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }

  private static Response error(long requestId, Status status, String message) {
    return Response.newBuilder().setRequestId(requestId).setStatus(status).setErrorMessage(message).build();
  }
}
