package dev.coffer.node.net;

import dev.coffer.node.tls.NodeTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.Optional;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline: connection cap → mutual TLS (when on) → idle timeout → budgeted 4-byte length frames → handler (which parses
 * each frame as a Request); Response → protobuf → length-prefixed frame.
 */
final class ClientServerInitializer extends ChannelInitializer<SocketChannel> {
  private final ClientLimits limits;
  private final ByteBudget memory;
  private final ConnectionLimiter limiter;
  private final RequestProcessor processor;
  private final Optional<SslContext> tls;

  ClientServerInitializer(ClientLimits limits, ByteBudget memory, ConnectionLimiter limiter,
      RequestProcessor processor, Optional<SslContext> tls) {
    this.tls = tls;
    this.limits = limits;
    this.memory = memory;
    this.limiter = limiter;
    this.processor = processor;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ConnectionBudget budget = new ConnectionBudget(ch, memory, limits);
    ChannelPipeline p = ch.pipeline();
    p.addLast("limiter", limiter);
    if (tls.isPresent()) {
      SslHandler ssl = tls.get().newHandler(ch.alloc());
      ssl.setHandshakeTimeoutMillis(NodeTls.HANDSHAKE_TIMEOUT_MILLIS);
      p.addLast("tls", ssl);
    }
    p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    p.addLast("frameDecoder", new FrameDecoder(limits, budget));
    p.addLast("frameEncoder", new LengthFieldPrepender(4));
    p.addLast("protobufEncoder", new ProtobufEncoder());
    p.addLast("handler", new ClientRequestHandler(processor, budget));
  }
}
