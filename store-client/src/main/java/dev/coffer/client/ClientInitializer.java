package dev.coffer.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.Optional;
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

    /** A TLS handshake that takes longer fails the connection. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final Endpoint peer;
    private final int maxFrameBytes;
    private final Optional<SslContext> tls;

    /**
     * @param peer          the node's address
     * @param maxFrameBytes the largest frame accepted or sent, without its length prefix
     * @param tls           mutual TLS with the node, when the cluster runs it
     */
    ClientInitializer(Endpoint peer, int maxFrameBytes, Optional<SslContext> tls) {
        this.peer = peer;
        this.maxFrameBytes = maxFrameBytes;
        this.tls = tls;
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (tls.isPresent()) {
            SslHandler ssl = tls.get().newHandler(channel.alloc(), peer.host(), peer.port());
            ssl.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
            pipeline.addLast("tls", ssl);
        }
        Connection connection = Connection.attach(channel, peer.toString(), maxFrameBytes);
        // Netty's maximum counts the length field too.
        pipeline.addLast("frameDecoder", new LengthFieldBasedFrameDecoder(
                maxFrameBytes + LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES));
        pipeline.addLast("frameEncoder", new LengthFieldPrepender(LENGTH_FIELD_BYTES));
        pipeline.addLast("protobufDecoder", new ProtobufDecoder(Response.getDefaultInstance()));
        pipeline.addLast("protobufEncoder", new ProtobufEncoder());
        pipeline.addLast("responses", new ResponseHandler(connection));
    }
}
