package dev.coffer.node.net;

import dev.coffer.proto.Request;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;

/** Pipeline: 4-byte length frames (bounded) → protobuf Request → handler; Response → frame. */
final class ClientServerInitializer extends ChannelInitializer<SocketChannel> {
  private final int maxFrameBytes;
  private final RequestProcessor processor;

  ClientServerInitializer(int maxFrameBytes, RequestProcessor processor) {
    this.maxFrameBytes = maxFrameBytes;
    this.processor = processor;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast("frameDecoder", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4));
    p.addLast("frameEncoder", new LengthFieldPrepender(4));
    p.addLast("protobufDecoder", new ProtobufDecoder(Request.getDefaultInstance()));
    p.addLast("protobufEncoder", new ProtobufEncoder());
    p.addLast("handler", new ClientRequestHandler(processor));
  }
}
