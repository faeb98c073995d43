package dev.coffer.client;

import dev.coffer.proto.Response;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/**
 * Hands each decoded response to its connection, which matches it to the request it names (see
 * {@link Connection#complete}); any pipeline error closes the connection.
 */
final class ResponseHandler extends SimpleChannelInboundHandler<Response> {
    private final Connection connection;

    ResponseHandler(Connection connection) {
        this.connection = connection;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Response response) {
        connection.complete(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A frame too large or undecodable leaves the stream unusable: fail everything and reconnect later.
        connection.failAll(new TransportException(ClientReasons.CONNECTION_LOST,
                "connection to " + connection.peer() + " failed: " + TransportException.describe(cause), true));
        ctx.close();
    }
}
