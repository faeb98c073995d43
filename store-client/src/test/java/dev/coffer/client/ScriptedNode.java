package dev.coffer.client;

import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a Coffer node in tests: a real Netty server on 127.0.0.1 (ephemeral port)
 * speaking the wire protocol, answering each request as its {@link Script} says, and recording
 * every request it received.
 */
final class ScriptedNode implements AutoCloseable {

    /** Decides the reply to the {@code index}-th request (from 0) this node received. */
    @FunctionalInterface
    interface Script {
        Reply answer(Request request, int index);
    }

    /** What the node does with one request. */
    static final class Reply {
        private final Response.Builder response;
        private final boolean disconnect;
        /** The request id to send instead of the request's own; null to echo the request's. */
        private final Long requestId;

        private Reply(Response.Builder response, boolean disconnect, Long requestId) {
            this.response = response;
            this.disconnect = disconnect;
            this.requestId = requestId;
        }

        /** Answer with this response; its request id is filled in. */
        static Reply with(Response.Builder response) {
            return new Reply(response, false, null);
        }

        /** Answer with this response under {@code requestId}, whatever the request's id was (a confused node). */
        static Reply withRequestId(Response.Builder response, long requestId) {
            return new Reply(response, false, requestId);
        }

        static Reply status(dev.coffer.proto.Status status) {
            return with(Response.newBuilder().setStatus(status).setErrorMessage("scripted " + status));
        }

        /** Say nothing (a hung node, or one that answers later through {@link #answerLater}). */
        static Reply silence() {
            return new Reply(null, false, null);
        }

        /** Close the connection without answering. */
        static Reply disconnect() {
            return new Reply(null, true, null);
        }
    }

    /** One request as received, with the connection it came on. */
    record Received(Request request, Channel channel) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Channel serverChannel;
    private volatile Script script;

    ScriptedNode(Script script) throws InterruptedException {
        this.script = script;
        this.serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(
                                new LengthFieldBasedFrameDecoder(Integer.MAX_VALUE, 0, 4, 0, 4),
                                new LengthFieldPrepender(4),
                                new ProtobufDecoder(Request.getDefaultInstance()),
                                new ProtobufEncoder(),
                                new ScriptHandler());
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    String address() {
        return "127.0.0.1:" + ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    void script(Script script) {
        this.script = script;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Request> requests() {
        return received.stream().map(Received::request).toList();
    }

    /** Answers an earlier request that the script left unanswered. */
    void answerLater(Received request, Response.Builder response) {
        request.channel().writeAndFlush(response.setRequestId(request.request().getRequestId()).build());
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class ScriptHandler extends SimpleChannelInboundHandler<Request> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Request request) {
            int index;
            synchronized (received) {
                index = received.size();
                received.add(new Received(request, ctx.channel()));
            }
            Reply reply = script.answer(request, index);
            if (reply.disconnect) {
                ctx.close();
            } else if (reply.response != null) {
                long requestId = reply.requestId != null ? reply.requestId : request.getRequestId();
                ctx.writeAndFlush(reply.response.clone().setRequestId(requestId).build());
            }
        }
    }
}
