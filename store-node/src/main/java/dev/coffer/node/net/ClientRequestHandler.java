package dev.coffer.node.net;

import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each request to the processor and writes the answer when it is ready; many requests may
 * be in flight per connection, answered in any order. A connection with too many unanswered
 * requests stops being read until some are answered. A broken frame gets one error reply, then
 * the connection is closed, because the stream can no longer be trusted to be in step.
 */
final class ClientRequestHandler extends SimpleChannelInboundHandler<Request> {
  private static final Logger LOG = LoggerFactory.getLogger(ClientRequestHandler.class);
  static final int MAX_IN_FLIGHT_PER_CONNECTION = 512;

  private final RequestProcessor processor;
  private int inFlight; // touched only on this channel's event loop

  ClientRequestHandler(RequestProcessor processor) {
    this.processor = processor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Request request) {
    if (++inFlight >= MAX_IN_FLIGHT_PER_CONNECTION) {
      ctx.channel().config().setAutoRead(false);
    }
    processor.process(request).whenComplete((response, error) -> {
      Response reply = error == null ? response : Response.newBuilder().setRequestId(request.getRequestId())
          .setStatus(Status.INTERNAL).setErrorMessage("internal error: " + error).build();
      ctx.writeAndFlush(reply);
      ctx.executor().execute(() -> {
        if (--inFlight < MAX_IN_FLIGHT_PER_CONNECTION / 2 && !ctx.channel().config().isAutoRead()) {
          ctx.channel().config().setAutoRead(true);
        }
      });
    });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException || cause instanceof TooLongFrameException) {
      String reason = cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException
          ? "frame too large: " + cause.getMessage()
          : "frame is not a valid request: " + (cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage());
      LOG.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
      Response reply = Response.newBuilder().setStatus(Status.MALFORMED_FRAME).setErrorMessage(reason).build();
      ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    } else if (cause instanceof IOException) {
      LOG.debug("Connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    } else {
      LOG.error("Unexpected error on connection from {}", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }
  }
}
