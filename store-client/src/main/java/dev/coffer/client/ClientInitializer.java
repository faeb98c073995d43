package dev.coffer.client;

import dev.coffer.proto.Response;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;

/**
 * The pipeline of one connection to a node: 4-byte big-endian length framing, protobuf
 * {@code Request} out and {@code Response} in, then the {@link ResponseHandler} that hands each
 * response to the {@link Connection} waiting for it.
 */
final class ClientInitializer extends ChannelInitializer<Channel> {
    private static final int LENGTH_FIELD_BYTES = 4;

    private final String peer;
    private final int maxFrameBytes;

    /**
     * @param peer          the node's address, for error messages
     * @param maxFrameBytes the largest frame accepted or sent, without its length prefix
     */
    ClientInitializer(String peer, int maxFrameBytes) {
        this.peer = peer;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void initChannel(Channel channel) {
        Connection connection = Connection.attach(channel, peer, maxFrameBytes);
        ChannelPipeline pipeline = channel.pipeline();
        // Netty's maximum counts the length field too.
        pipeline.addLast("frameDecoder", new LengthFieldBasedFrameDecoder(
                maxFrameBytes + LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES));
        pipeline.addLast("frameEncoder", new LengthFieldPrepender(LENGTH_FIELD_BYTES));
        pipeline.addLast("protobufDecoder", new ProtobufDecoder(Response.getDefaultInstance()));
        pipeline.addLast("protobufEncoder", new ProtobufEncoder());
        pipeline.addLast("responses", new ResponseHandler(connection));
    }
}
